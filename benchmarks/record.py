"""--update PAGE: a benchmark's report, with the date, the machine and the versions, as a marked block.

Each benchmark prints its report as before; with `--update docs/speed.md` the same report is
also written between the `<!-- NAME:start -->` and `<!-- NAME:end -->` markers of that page
(NAME is the benchmark's module name), through the scripts' block machinery
(backprop.readme_cli, backprop.files.MarkedBlock): the page is read and its markers checked before the measurement,
and only the block is rewritten, atomically.
"""

import contextlib
import datetime
import importlib.metadata
import io
import os
import platform
import shlex
import sys

from backprop import cli, readme_cli

PACKAGES = ("numpy", "matplotlib", "scikit-learn", "torch")


def add_update(parser, name: str) -> None:
    parser.add_argument("--update", metavar="PAGE", type=cli.path,
                        help=f"also write the report into PAGE's {name} block (docs/speed.md)")  # fmt: skip


def cpu() -> str:
    """The processor's model name where Linux gives it, else what platform knows."""
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def versions() -> str:
    found = [f"Python {platform.python_version()}"]
    for package in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.append(f"{package} {importlib.metadata.version(package)}")
    return ", ".join(found)


def header(name: str, argv) -> str:
    command = " ".join(["python -m", f"benchmarks.{name}", *map(shlex.quote, argv)])
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.machine()}, {cpu()}, {os.cpu_count()} logical cores"
    return f"Measured {when} by `{command}` on {machine}; {versions()}."


class Tee(io.TextIOBase):
    """Writes go to the terminal as before and into a copy."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def run(name: str, args, argv, measure) -> int:
    """measure() prints the report; with --update, the report also goes into the page's block."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    block = readme_cli.open_block(name, args.update, name, check=False) if args.update else None
    if isinstance(block, int):
        return block
    tee = Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        status = measure() or 0
    if block is None or status:
        return status
    return readme_cli.finish(name, block, f"{header(name, argv)}\n\n```\n{tee.copy.getvalue().rstrip()}\n```")
