"""--update PAGE / --check PAGE on the command line: files.MarkedBlock's failures as one line
on stderr and an exit status (files.py itself raises, and never prints or exits)."""

from __future__ import annotations

import sys

from backprop import cli
from backprop.files import FileFailure, MarkedBlock, Stale


def open_block(prog: str, path: str, name: str, check: bool) -> MarkedBlock | int:
    """The opened block, or the exit status after one error line."""
    try:
        return MarkedBlock.open(path, name, check)
    except FileFailure as exc:
        return cli.fail(prog, str(exc))


def from_args(prog: str, args, name: str) -> MarkedBlock | int | None:
    """The block of --update or --check (cli.add_readme_block), None when neither was given."""
    if not (args.update or args.check):
        return None
    return open_block(prog, args.update or args.check, name, check=bool(args.check))


def finish(prog: str, block: MarkedBlock, content: str) -> int:
    """Write or check the block; 0, or 1 after one error line (and, when stale, the diff on stdout)."""
    try:
        block.finish(content)
    except Stale as exc:
        sys.stdout.writelines(exc.diff)
        return cli.fail(prog, str(exc))
    except FileFailure as exc:
        return cli.fail(prog, str(exc))
    return 0
