"""Nothing lost under concurrency, faults and hostile input: README blocks written by two
processes at once, CRLF and fenced READMEs, numbers and files at the parser's limits, killed and
stopped sweep workers, memory that runs out, and Ctrl-C during a script's start-up."""

import faulthandler
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT, assert_one_line_error, call

import ann_numpy
import ann_numpy_no_loop
import plot_convergence
import sweep
from backprop import batched, cli, files, readme_cli
from backprop import workers as pool

# --- README blocks: two writers of one file, line endings, code fences ---------------------------

TWO_BLOCKS = "# Title\n\n<!-- a:start -->\nold a\n<!-- a:end -->\n\ntext\n\n<!-- b:start -->\nold b\n<!-- b:end -->\n"


def test_two_writers_of_two_blocks_at_once_both_land(tmp_path, monkeypatch):
    """Each writer reads the file and replaces it; a pause between the two (a slow disk) makes
    every unlocked pair lose one update. Under the lock both blocks are current every time."""
    readme = tmp_path / "README.md"
    readme.write_text(TWO_BLOCKS, encoding="utf-8")
    write = files.atomic_write

    def slow_write(path, data):
        time.sleep(0.002)
        write(path, data)

    monkeypatch.setattr(files, "atomic_write", slow_write)
    for i in range(40):
        barrier = threading.Barrier(2)

        def writer(name, content, barrier=barrier):
            barrier.wait()
            files.update_block(readme, name, content)

        threads = [threading.Thread(target=writer, args=(name, f"{name} {i}")) for name in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        text = readme.read_text(encoding="utf-8")
        assert f"\na {i}\n" in text and f"\nb {i}\n" in text, (i, text)
    assert sorted(os.listdir(tmp_path)) == [".README.md.lock", "README.md"]


def test_blocks_opened_before_the_work_are_written_into_the_text_as_it_is_then(tmp_path, capsys):
    """convergence_test.py and sweep.py both open README before training and finish after: the
    second to finish keeps the first one's block."""
    readme = tmp_path / "README.md"
    readme.write_text(TWO_BLOCKS, encoding="utf-8")
    first, second = (readme_cli.open_block("x.py", str(readme), name, check=False) for name in "ab")
    assert readme_cli.finish("x.py", first, "new a") == 0 and readme_cli.finish("x.py", second, "new b") == 0
    assert readme.read_text(encoding="utf-8") == TWO_BLOCKS.replace("old a", "new a").replace("old b", "new b")


def test_a_crlf_readme_keeps_its_line_endings_and_checks_current(tmp_path, capsys):
    readme = tmp_path / "README.md"
    crlf = TWO_BLOCKS.replace("\n", "\r\n").encode()
    readme.write_bytes(crlf)
    block = readme_cli.open_block("x.py", str(readme), "a", check=False)
    assert readme_cli.finish("x.py", block, "line 1\nline 2\n") == 0
    expected = crlf.replace(b"\r\nold a\r\n", b"\r\nline 1\r\nline 2\r\n")
    assert readme.read_bytes() == expected
    assert b"\n" not in expected.replace(b"\r\n", b"")  # no bare LF came in
    for content, status in (("line 1\nline 2", 0), ("line 1\nline 3", 1)):
        check = readme_cli.open_block("x.py", str(readme), "a", check=True)
        assert readme_cli.finish("x.py", check, content) == status
    out, err = capsys.readouterr()
    assert "+line 3" in out and "\r" not in out and err.count("\n") == 1


FENCED = """# Title

Write the markers like this:

```markdown
<!-- a:start -->
generated text goes here
<!-- a:end -->
```

~~~
<!-- a:start -->
~~~

<!-- a:start -->
old
<!-- a:end -->
"""


def test_markers_inside_code_fences_are_text(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(FENCED, encoding="utf-8")
    block = readme_cli.open_block("x.py", str(readme), "a", check=False)
    assert readme_cli.finish("x.py", block, "new") == 0
    assert readme.read_text(encoding="utf-8") == FENCED.replace("\nold\n", "\nnew\n")
    only_fenced = FENCED[: FENCED.index("~~~\n\n") + 4]  # the example alone: no markers at all
    readme.write_text(only_fenced, encoding="utf-8")
    assert readme_cli.open_block("x.py", str(readme), "a", check=False) == 1
    assert "found 0 start and 0 end markers" in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == only_fenced


# --- files and numbers at the parser's limits ------------------------------------------------------


@pytest.mark.parametrize("number", ["0e400", "0e99999999999999999999", "1e-400", "0." + "1" * 400, "1" * 400_000])
def test_numbers_beyond_a_double_in_a_hand_calculation(number, tmp_path, capsys):
    path = tmp_path / "mine.txt"
    path.write_text(f"net_h1 = 0.3775\nnet_h2 {number}\n", encoding="utf-8")
    result = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    assert_one_line_error(result, "ann_numpy_no_loop.py", 2)
    assert f"{path}:2:" in result[2] and len(result[2]) < 250


EXAMPLES = {
    "400 digits": '{"learning_rate": ' + "1" * 400 + "}",
    "5,000 digits": '{"weights": [' + "7" * 5000 + ", 1, 1, 1, 1, 1, 1, 1]}",
    "nesting": '{\n"weights": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "a key twice": '{"learning_rate": 0.5,\n "learning_rate": 0.6}',
    "a long key": '{"' + "k" * 900_000 + '": 1}',
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_file_at_the_parsers_limits(name, tmp_path, capsys):
    path = tmp_path / "ex.json"
    path.write_text(EXAMPLES[name], encoding="utf-8")
    result = call(ann_numpy.main, "--example", path, capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 2)
    line = 1 if name in ("400 digits", "5,000 digits", "a long key") else 2
    assert f"{path}:{line}:" in result[2] and len(result[2]) - len(str(path)) < 350


@pytest.mark.parametrize("endless", ["/dev/zero", "/dev/full", "big"])
def test_an_endless_or_huge_input_file_is_refused_at_the_size_cap(endless, tmp_path, capsys):
    if endless == "big":
        endless = tmp_path / "big.txt"
        endless.write_text("x" * (files.MAX_INPUT_BYTES + 1), encoding="utf-8")  # one line, past the cap
    elif not os.path.exists(endless):
        pytest.skip(f"no {endless}")
    for main, prog, flag in ((ann_numpy.main, "ann_numpy.py", "--example"),
                             (ann_numpy_no_loop.main, "ann_numpy_no_loop.py", "--check")):  # fmt: skip
        result = call(main, flag, endless, capsys=capsys)
        assert_one_line_error(result, prog, 2)
        assert "longer than 1,000,000 bytes" in result[2] and len(result[2]) < 250


def test_a_long_check_file_is_read_whole(tmp_path, capsys):
    """One wrong value among 4,000 lines (the diagnosis once looked each later line up in the whole
    list: 79 s for 16,000 lines): every line is accounted for."""
    path = tmp_path / "long.txt"
    path.write_text("net_h1 0.3800\n" + "".join(f"note{i} 0.{i}\n" for i in range(4000)), encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    assert status == 1 and "Result: 1 wrong, 4000 not checked (unknown name: 4000)." in out


@pytest.mark.parametrize("dpi", ["0.1", "1e-320", "9.9"])
def test_a_dpi_too_small_to_render_is_refused_before_training(dpi, capsys):
    result = call(plot_convergence.main, "--dpi", dpi, capsys=capsys)
    assert_one_line_error(result, "plot_convergence.py", 2)
    assert "10..600" in result[2]


# --- sweep workers ---------------------------------------------------------------------------------


def die_by(sig):
    def train_block(task):
        if task == 1:
            faulthandler.disable()  # pytest's: SIGSEGV would print a stack dump
            os.kill(os.getpid(), sig)
            time.sleep(10)  # SIGSTOP: stays here until the parent gives up and kills it
        return task

    return train_block


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSEGV])
def test_a_killed_worker_is_named_by_its_signal(sig):
    with pytest.raises(pool.WorkerFailed, match=f"killed by {sig.name}; nothing written"):
        pool.run_in_processes([[0], [1]], die_by(sig))


def test_a_stopped_worker_is_said_and_ended(monkeypatch):
    monkeypatch.setattr(pool, "STOPPED_GRACE", 0.2)
    with pytest.raises(pool.WorkerFailed, match=r"stopped \(SIGSTOP\)"):
        pool.run_in_processes([[0], [1]], die_by(signal.SIGSTOP))


def test_workers_bring_back_their_records_and_their_memory_errors():
    assert pool.run_in_processes([[0, 2], [1]], lambda task: task * 10) == [[0, 20], [10]]

    def short_of_memory(task):
        raise MemoryError("Unable to allocate 8.00 GiB for an array with shape (1073741824,) and data type float64")

    with pytest.raises(MemoryError, match="8.00 GiB"):
        pool.run_in_processes([[0], [1]], short_of_memory)


@pytest.fixture
def quiet_signals(monkeypatch):
    """cli.run in-process, without changing this test process's own signal handlers."""
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)


def test_a_sweep_whose_worker_is_killed_is_one_line_status_1_and_writes_nothing(tmp_path, monkeypatch,
                                                                                quiet_signals, capsys):  # fmt: skip
    me, run = os.getpid(), batched.run_block

    def killed_in_a_worker(net, records, iterations):
        if os.getpid() != me:
            os.kill(os.getpid(), signal.SIGKILL)
        return run(net, records, iterations)

    monkeypatch.setattr(batched, "run_block", killed_in_a_worker)
    out = tmp_path / "starts.csv"
    with pytest.raises(SystemExit) as exit_:
        cli.run(lambda: sweep.main(["init", "--networks", "4096", "--iterations", "2", "--workers", "2",
                                    "--csv", str(out)]), "sweep.py")  # fmt: skip
    _, err = capsys.readouterr()
    assert_one_line_error((exit_.value.code, "", err), "sweep.py", 1)
    assert "killed by SIGKILL" in err and not out.exists()


def test_out_of_memory_is_one_line_naming_what_did_not_fit(monkeypatch, quiet_signals, capsys):
    def allocate(*args, **kwargs):
        raise MemoryError("Unable to allocate 7.45 GiB for an array with shape (1000, 1000000) and data type float64")

    monkeypatch.setattr(sweep.sweeps, "init_sweep", allocate)
    with pytest.raises(SystemExit) as exit_:
        cli.run(lambda: sweep.main(["init"]), "sweep.py")
    _, err = capsys.readouterr()
    assert exit_.value.code == 1
    assert err == "sweep.py: out of memory: 7.45 GiB for an array with shape (1000, 1000000) " \
                  "and data type float64 did not fit\n"  # fmt: skip


def test_workers_end_when_their_parent_is_killed(tmp_path):
    """A process that runs a sweep's workers is killed; its workers do not compute on."""
    pids = tmp_path / "pids"
    pids.mkdir()

    def train_block(task):
        (pids / str(os.getpid())).touch()
        time.sleep(30)

    parent = os.fork()
    if parent == 0:  # the sweep's process
        try:
            pool.run_in_processes([[0], [1]], train_block)
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while len(os.listdir(pids)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = [int(p) for p in os.listdir(pids)]
        assert len(workers) == 2
    finally:
        os.kill(parent, signal.SIGKILL)
        os.waitpid(parent, 0)

    def running(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 5
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(map(running, workers))


# --- Ctrl-C during start-up --------------------------------------------------------------------------

EARLY_INTERRUPT = """
import os, runpy, signal, sys

class InterruptAtNumpy:  # Ctrl-C just as the script starts importing NumPy, its longest import
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, InterruptAtNumpy())
script = sys.argv[1]
sys.argv, sys.path[0] = sys.argv[1:], os.path.dirname(script)
runpy.run_path(script, run_name="__main__")
"""


def test_ctrl_c_during_start_up_is_one_line_and_status_130():
    result = subprocess.run([sys.executable, "-c", EARLY_INTERRUPT, str(ROOT / "plot_convergence.py")],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (result.returncode, result.stderr, result.stdout) == (130, "plot_convergence.py: interrupted\n", "")


def test_every_script_imports_the_start_up_guard_first(root):
    from backprop import startup

    assert startup.SCRIPTS == {script.name for script in root.glob("*.py")}
    for script in sorted(root.glob("*.py")):
        imports = [line for line in script.read_text(encoding="utf-8").splitlines()
                   if line.startswith(("import ", "from ")) and "__future__" not in line]  # fmt: skip
        assert imports[0].startswith("import backprop.startup"), script.name


def test_a_program_of_ones_own_beside_the_scripts_keeps_its_traceback(root, monkeypatch):
    """Only the project's scripts turn an error during start-up into one line: a user's own program in the
    same folder, or `python -` there, gets Python's traceback."""
    import types

    from backprop import startup

    def started(path):
        main = types.ModuleType("__main__")
        main.__file__ = str(path)
        monkeypatch.setitem(sys.modules, "__main__", main)
        return startup._started_as_program()

    assert started(root / "ann_numpy.py") == "ann_numpy.py"
    assert started(root / "my_own_program.py") is None
    assert started(root / "<stdin>") is None
    assert started(root / "tests" / "ann_numpy.py") is None
