"""Wall-clock time of the three plot scripts against the cost of merely starting matplotlib.

Runs, as subprocesses into a temporary folder, the three scripts that regenerate
all five figures at their defaults (10,000 updates per method), and beside them
three baseline processes that only import numpy and matplotlib.pyplot and save
one empty figure each. A third side shows where the time goes: three processes
that import the plot scripts' module and train both methods, but draw nothing.
Each side is timed --repeat times, one process after the other, the sides
interleaved; the best total counts. Goal (issue 4): scripts / baseline under 2.

plot_network.py (issue 13) is timed in the same rounds, as two more sides: the static
diagram (`python plot_network.py`) and the animation (`python plot_network.py --animate
PATH.gif`, 60 frames), both at --iterations. Goals: the diagram within 2× of one baseline
process (a third of the baseline side), the animation within 12× of the diagram.

    python -m benchmarks.bench_plots            # from the project's root
    python -m benchmarks.bench_plots --repeat 10 --iterations 20000
    python -m benchmarks.bench_plots --update docs/speed.md    # also into its block of docs/speed.md
"""

import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
import numpy as np

from backprop import cli
from benchmarks import record

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("plot_convergence.py", "plot_key_differences.py", "plot_all_variables.py")
BASELINE = "import numpy, matplotlib.pyplot as plt; plt.figure().savefig({path!r})"
TRAIN_ONLY = "from backprop import plotting; plotting.train_both({iterations})"


def timed(command) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # cwd: "import backprop" works
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = cli.ArgumentParser("bench_plots", __doc__)
    parser.add_argument("--repeat", type=lambda s: cli.whole_number(s, 1, 100), default=5,
                        help="rounds; the best total counts (default 5)")
    parser.add_argument("--iterations", type=cli.positive_count, default=10_000,
                        help="updates per method (default 10,000)")
    record.add_update(parser, "bench_plots")
    args = parser.parse_args(argv)
    return record.run("bench_plots", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    print(
        f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, matplotlib {matplotlib.__version__}"
    )
    print(f"best of {args.repeat} rounds, seconds of wall-clock time per process")
    with tempfile.TemporaryDirectory() as outdir:
        scripts = [[sys.executable, str(ROOT / s), "--iterations", str(args.iterations), "--outdir", outdir]
                   for s in SCRIPTS]  # fmt: skip
        baseline = [[sys.executable, "-c", BASELINE.format(path=f"{outdir}/empty{i}.png")] for i in range(3)]
        train_only = [[sys.executable, "-c", TRAIN_ONLY.format(iterations=args.iterations)]] * 3
        network = [sys.executable, str(ROOT / "plot_network.py"), "--iterations", str(args.iterations)]
        sides = {"scripts": scripts, "baseline": baseline, "train only": train_only,
                 "network": [[*network, "--outdir", outdir]],
                 "animation": [[*network, "--animate", f"{outdir}/training.gif"]]}  # fmt: skip
        times = {side: [] for side in sides}
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits every side
            for side, commands in sides.items():
                times[side].append([timed(c) for c in commands])
    best = {side: min(rounds, key=sum) for side, rounds in times.items()}
    for name, seconds in zip(SCRIPTS, best["scripts"], strict=True):
        print(f"{seconds:6.2f}  {name}")
    total = {side: sum(seconds) for side, seconds in best.items()}
    notes = {
        "scripts": "three scripts, together",
        "baseline": "baseline, three processes (import numpy, matplotlib.pyplot; save an empty figure)",
        "train only": "train only, three processes (import backprop.plotting; train both methods; draw nothing)",
    }
    for side, note in notes.items():
        print(f"{total[side]:6.2f}  {note}")
    print(f"ratio scripts / baseline: {total['scripts'] / total['baseline']:.2f}  (goal: under 2); "
          f"train only / baseline: {total['train only'] / total['baseline']:.2f}")  # fmt: skip
    print(f"{total['network']:6.2f}  plot_network.py (the static diagram)")
    print(f"{total['animation']:6.2f}  plot_network.py --animate PATH.gif (60 frames)")
    one_baseline = total["baseline"] / len(best["baseline"])
    print(f"ratio diagram / one baseline process: {total['network'] / one_baseline:.2f}  (goal: at most 2); "
          f"animation / diagram: {total['animation'] / total['network']:.2f}  (goal: at most 12)")  # fmt: skip


if __name__ == "__main__":
    cli.run(main, "bench_plots")
