"""Wall time of the table and analysis scripts against their budget (issue 3).

Budget: the time of `python -c "import numpy"` plus one 10,000-iteration run of each
method (measured in-process, full recording as train() defaults). Each command is
run --repeat times; the best time counts.

    python -m benchmarks.bench_scripts          # from the project's root
    python -m benchmarks.bench_scripts --update docs/speed.md    # also into its block of docs/speed.md
"""

import platform
import subprocess
import sys
import time
from pathlib import Path

from backprop import cli, training
from benchmarks import record

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def command(*args):
    return lambda: subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)


def main(argv=None) -> int:
    parser = cli.ArgumentParser("bench_scripts", __doc__)
    parser.add_argument("--repeat", type=lambda s: cli.whole_number(s, 1, 100), default=3,
                        help="runs per measurement; the best counts (default 3)")
    record.add_update(parser, "bench_scripts")
    args = parser.parse_args(argv)
    return record.run("bench_scripts", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    import_numpy = best(command("-c", "import numpy"), args.repeat)
    runs = best(lambda: (training.train("sequential", 10000), training.train("parallel", 10000)), args.repeat)
    budget = import_numpy + runs
    print(f"{platform.machine()}, Python {platform.python_version()}; best of {args.repeat}")
    print(f"budget: import numpy {import_numpy:.3f} s + one 10,000-iteration run of each method {runs:.3f} s "
          f"= {budget:.3f} s")  # fmt: skip
    for script in ("convergence_test.py", "analyze_convergence.py"):
        t = best(command(script), args.repeat)
        print(f"python {script:<24} {t:6.3f} s = {t / budget:4.2f} × budget")


if __name__ == "__main__":
    cli.run(main, "bench_scripts")
