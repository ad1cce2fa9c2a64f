"""Progress bars for long runs: on stderr, with the rate and the time left, only when stderr is
a terminal (DESIGN §5). In a pipe or a log, and with --quiet, nothing is written, so stdout and
a captured stderr are the same as without a bar.

    with progress.bar(total, "update", quiet=args.quiet) as bar:
        work(on_progress=bar.to)      # bar.to(done): how far the work has got, out of total

The bar erases itself when it closes, also when an exception (Ctrl-C) goes through the with
block, so that the one line cli.run then prints starts on a clean line.
"""

from __future__ import annotations

import sys

QUIET_HELP = "no progress bar on stderr (one is shown only when stderr is a terminal)"


def add_quiet(parser) -> None:
    """The --quiet flag of every script that can show a bar."""
    parser.add_argument("--quiet", action="store_true", help=QUIET_HELP)


def shown(quiet: bool = False, stream=None) -> bool:
    """Whether a bar would be drawn: not quiet, and stream (default stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if quiet or stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Silent:
    """A bar that draws nothing: what bar() gives when no bar is shown."""

    def to(self, done: int) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def bar(total: int, unit: str, *, quiet: bool = False, description: str | None = None, stream=None):
    """A tqdm bar of total units on stream (default stderr), or Silent() when none is shown."""
    stream = sys.stderr if stream is None else stream
    if not shown(quiet, stream):
        return Silent()
    from tqdm import tqdm  # only when a bar is drawn

    class Bar(tqdm):
        def to(self, done: int) -> None:
            """Advance to done units (tqdm redraws at most about ten times a second)."""
            if done > self.n:
                self.update(done - self.n)

        def note(self, text: str) -> None:
            """Text after the bar (the latest error, say), drawn with the next redraw."""
            self.set_postfix_str(text, refresh=False)

    return Bar(total=total, unit=unit, desc=description, file=stream, leave=False, unit_scale=total >= 100_000,
               dynamic_ncols=True, mininterval=0.2)  # fmt: skip
