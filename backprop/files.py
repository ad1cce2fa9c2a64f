"""Writing files safely: atomic replacement, and README blocks between markers."""

from __future__ import annotations

import difflib
import os
import sys
import tempfile

from backprop.cli import fail


def atomic_write(path, data: str | bytes) -> None:
    """Write data to path through a temporary file in the same folder and os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
        # mkstemp makes the file private (0600); give it the mode the file had, or a new file's.
        try:
            permissions = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            permissions = 0o666 & ~umask
        os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class MarkerError(ValueError):
    """A README's generated block is missing its markers or has them more than once."""


def replace_block(text: str, name: str, content: str) -> str:
    """text with everything between <!-- name:start --> and <!-- name:end --> replaced.

    The markers and every byte outside them stay as they are; the block becomes a
    newline, content, a newline.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1:
        found = f"{text.count(start)} start and {text.count(end)} end markers"
        raise MarkerError(f"expected exactly one {start} and one {end}, found {found}")
    i, j = text.index(start) + len(start), text.index(end)
    if j < i:
        raise MarkerError(f"{end} comes before {start}")
    return text[:i] + "\n" + content.rstrip("\n") + "\n" + text[j:]


def update_or_check_block(prog: str, path: str, name: str, content: str, check: bool) -> int:
    """--update PATH (rewrite the marked block atomically) or --check PATH (exit 1 and a diff if stale)."""


    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        return fail(prog, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")
    try:
        new = replace_block(text, name, content)
    except MarkerError as exc:
        return fail(prog, f"{path}: {exc}; nothing written")
    if check:
        if new == text:
            return 0
        diff = difflib.unified_diff(
            text.splitlines(keepends=True), new.splitlines(keepends=True), f"{path} (current)", f"{path} (generated)"
        )
        sys.stdout.writelines(diff)
        return fail(prog, f"{path}: the {name} block is out of date; run with --update {path}")
    if new != text:
        try:
            atomic_write(path, new)
        except OSError as exc:
            return fail(prog, f"cannot write {path}: {exc.strerror or exc}")
    return 0


