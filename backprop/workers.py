"""The worker pool behind batched.train_many: shares of blocks trained in forked processes.

Each share of blocks is trained in a child process, forked so that it starts with the
blocks in memory; its records come back through a pipe. The pool is hand-made rather than
concurrent.futures or multiprocessing because it must tell a worker killed by a signal or
stopped (SIGSTOP) from one still working (waitpid with WUNTRACED), end its workers with it
(PR_SET_PDEATHSIG), and keep the fixed, deterministic cut of blocks into shares; progress
is counted in a page of shared memory.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
import struct
import threading

from backprop import cli


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_shares(shares, train_block, on_progress=None) -> list:
    """[[train_block(task) for task in share] for share in shares]: in one worker process per share
    when there are several and the system can fork (else here: the same results), counting the
    networks trained for on_progress(networks) when it is given."""
    if on_progress is not None:
        train_block = counting_blocks(train_block, shares, on_progress)
    if len(shares) > 1 and hasattr(os, "fork"):  # no fork (Windows): one process, the same results
        with polling(train_block):
            return run_in_processes(shares, train_block)
    return [[train_block(task) for task in share] for share in shares]


def counting_blocks(train_block, shares, on_progress):
    """train_block, counting the networks of each share trained in a page of memory that forked
    workers share (one slot per share: no two processes write the same one); in this process
    each block calls on_progress(networks trained), and polling() calls it while workers train."""
    slot_of = {id(task): i for i, share in enumerate(shares) for task in share}
    slots = mmap.mmap(-1, 8 * len(shares))  # anonymous: shared with the children forked after this

    def trained() -> int:
        return sum(struct.unpack_from(f"{len(shares)}q", slots))

    def counted(members) -> dict:
        records = train_block(members)
        offset = 8 * slot_of[id(members)]
        struct.pack_into("q", slots, offset, struct.unpack_from("q", slots, offset)[0] + len(members))
        if os.getpid() == parent:
            on_progress(trained())
        return records

    parent = os.getpid()
    counted.report = lambda: on_progress(trained())
    return counted


@contextlib.contextmanager
def polling(train_block, every: float = 0.25):
    """While the workers train: a thread that reports their progress every `every` seconds."""
    report = getattr(train_block, "report", None)
    if report is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(every):
            report()

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        report()


class WorkerFailed(cli.Failure):
    """A worker process that did not bring its records back: killed by a signal, stopped, or
    failed; str() says which, in one line."""


STOPPED_GRACE = 5.0  # seconds a stopped worker (SIGSTOP) may stay stopped before the sweep gives up
POLL = 0.1  # seconds between looks at the workers while their records are awaited


def end_with_parent() -> None:
    """In a worker: ask Linux to kill it when the process that forked it ends (PR_SET_PDEATHSIG),
    so that a sweep whose parent is killed leaves no workers computing on."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: no such request; an orphaned worker finishes its share
        pass


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_in_processes(shares, train_block) -> list:
    """Each share of blocks trained in a child process (forked: it starts with the blocks in
    memory); their records come back through a pipe. Threads would share one interpreter,
    whose lock, handed over once per NumPy call, costs more than a call on a block.

    Ctrl-C reaches the children too (they end quietly, by the signal); on any exception or
    signal here the children are ended and reaped before it goes on. A worker killed by a
    signal, one that stays stopped (SIGSTOP) for STOPPED_GRACE seconds, or one that fails
    (out of memory among them) raises WorkerFailed (MemoryError for memory) naming what
    happened; a worker dies with the process that forked it (end_with_parent).
    """
    parent = os.getpid()
    children = []  # [pid, read fd, chunks read, wait status]
    try:
        for share in shares:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: train, send the records, and leave without any clean-up of the parent's
                status = 1
                try:
                    os.close(read)
                    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a background job's stays ignored
                        signal.signal(signal.SIGINT, signal.SIG_DFL)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    end_with_parent()
                    if os.getppid() != parent:  # the parent ended before the request above
                        os._exit(1)
                    try:
                        answer = ("records", [train_block(task) for task in share])
                    except MemoryError as exc:
                        answer = ("memory", str(exc) or "a worker ran out of memory")
                    except Exception as exc:  # noqa: BLE001 - said in one line by the parent
                        answer = ("error", f"{type(exc).__name__}: {exc}")
                    try:
                        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                    except MemoryError:
                        answer = None
                        data = pickle.dumps(("memory", "a worker's results, packed to be sent back"))
                    with os.fdopen(write, "wb") as pipe:
                        pipe.write(data)
                    status = 0
                finally:
                    os._exit(status)
            os.close(write)
            children.append([pid, read, [], None])
        await_workers(children)
        records = []
        for child in children:
            size = sum(len(chunk) for chunk in child[2])
            try:
                data, child[2] = b"".join(child[2]), None
                kind, value = pickle.loads(data)
                del data
            except MemoryError:
                raise MemoryError(f"the results the workers sent back ({size / 2**20:,.0f} MiB)") from None
            if kind == "memory":
                raise MemoryError(value)
            if kind == "error":
                raise WorkerFailed(f"a worker process failed: {value}")
            records.append(value)
        return records
    finally:
        for child in children:
            pid, read = child[0], child[1]
            if read is not None:
                os.close(read)
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def await_workers(children) -> None:
    """Read every worker's pipe to its end and reap it (child[0] and child[1] become None, child[2]
    holds the chunks read, child[3] the wait status); WorkerFailed for a worker killed, failed or stopped."""
    import selectors
    import time

    def read_all(child, selector, block: bool) -> None:
        while child[1] is not None:
            chunk = os.read(child[1], 1 << 20)
            if chunk:
                child[2].append(chunk)
                if not block:
                    return
            else:
                selector.unregister(child[1])
                os.close(child[1])
                child[1] = None

    def reaped(child, status) -> None:
        pid, child[0], child[3] = child[0], None, status
        if os.WIFSIGNALED(status):
            name = signal_name(os.WTERMSIG(status))
            raise WorkerFailed(f"a worker process (pid {pid}) was killed by {name}; nothing written")
        if os.WEXITSTATUS(status) != 0 or not child[2]:
            raise WorkerFailed(f"a worker process (pid {pid}) ended without its results (status "
                               f"{os.WEXITSTATUS(status)}); nothing written")  # fmt: skip

    with selectors.DefaultSelector() as selector:
        for child in children:
            selector.register(child[1], selectors.EVENT_READ, child)
        stopped_since = {}
        while any(child[0] is not None for child in children):
            for key, _ in selector.select(POLL):
                child = key.data
                read_all(child, selector, block=False)
                if child[1] is None:  # the records are in: the worker is leaving
                    reaped(child, os.waitpid(child[0], 0)[1])
            for child in children:
                if child[0] is None:
                    continue
                pid, status = os.waitpid(child[0], os.WNOHANG | os.WUNTRACED | os.WCONTINUED)
                if pid == 0:
                    continue
                if os.WIFSTOPPED(status):
                    stopped_since.setdefault(pid, time.monotonic())
                elif os.WIFCONTINUED(status):
                    stopped_since.pop(pid, None)
                else:  # it ended: whatever it sent is in the pipe
                    read_all(child, selector, block=True)
                    reaped(child, status)
            for pid, since in stopped_since.items():
                if time.monotonic() - since > STOPPED_GRACE and any(child[0] == pid for child in children):
                    raise WorkerFailed(f"a worker process (pid {pid}) was stopped (SIGSTOP) and did not continue "
                                       f"within {STOPPED_GRACE:g} s; nothing written")  # fmt: skip
