"""The test suite's wall time against its budget (DESIGN §6): at most 8× the time of 100,000 updates of
the plain NumPy reference loop (benchmarks/bench_training.py's reference_loop, best of 3).

Runs the unit (the NumPy loop, --repeat times, best counts), then the whole suite as a user runs it
(`python -m pytest`, a subprocess from the project's root, --suite-repeat times, best counts), and
prints both and their ratio. Run it on a quiet machine: both sides slow down under load, but not alike.

    python -m benchmarks.bench_suite            # from the project's root
    python -m benchmarks.bench_suite --update docs/speed.md    # also into its block of docs/speed.md
"""

import subprocess
import sys
import time
from pathlib import Path

from backprop import cli
from benchmarks import record
from benchmarks.bench_training import reference_loop

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 8.0
UPDATES = 100_000


def main(argv=None) -> int:
    parser = cli.ArgumentParser("bench_suite", __doc__)
    parser.add_argument("--repeat", type=lambda s: cli.whole_number(s, 1, 100), default=3,
                        help="rounds of the NumPy loop; the best counts (default 3)")  # fmt: skip
    parser.add_argument("--suite-repeat", type=lambda s: cli.whole_number(s, 1, 100), default=1,
                        help="runs of the suite; the best counts (default 1)")  # fmt: skip
    record.add_update(parser, "bench_suite")
    args = parser.parse_args(argv)
    return record.run("bench_suite", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    unit = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        reference_loop(UPDATES, sequential=False)
        unit = min(unit, time.perf_counter() - start)
    suite, summary = float("inf"), ""
    for _ in range(args.suite_repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip
        seconds = time.perf_counter() - start
        lines = done.stdout.strip().splitlines()
        summary = lines[-1].strip("= ") if lines else ""
        if done.returncode:
            print(f"bench_suite: the suite failed: {summary}", file=sys.stderr)
            return 1
        suite = min(suite, seconds)
    ratio = suite / unit
    print(f"{UPDATES:,} updates of the plain NumPy loop (best of {args.repeat}): {unit:.2f} s")
    print(f"the whole suite, `python -m pytest` (best of {args.suite_repeat}): {suite:.1f} s ({summary})")
    print(f"ratio suite / loop: {ratio:.1f}  (budget: at most {BUDGET:g}, {'met' if ratio <= BUDGET else 'not met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
