"""Writing files safely: atomic replacement, streams, and README blocks between markers.

A file is replaced through a temporary file in its folder (named .tmp-*, which .gitignore
covers) and os.replace, so a reader never sees it half written and an interrupted write
leaves nothing behind. A symbolic link is written through: its target gets the new text
and the link stays a link. A file that cannot be replaced faithfully is refused before
any work is done: a read-only file (replacing it would need only the folder's
permission), a file with several hard links (replacing it would split them), a folder.
A stream (a FIFO, /dev/stdout, or "-") is written to, not replaced.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import re
import stat
import sys
import tempfile


class Unwritable(OSError):
    """A file this module refuses to replace; strerror says why."""

    def __init__(self, reason: str):
        super().__init__(errno.EACCES, reason)


def is_stream(path) -> bool:
    """'-', or an existing file that is not a regular file or a folder (a FIFO, a terminal, /dev/stdout)."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def why_unwritable(path) -> str | None:
    """Why atomic_write(path) would be refused or fail, in words; None when it can go ahead."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return exc.strerror or str(exc)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            return "it is a folder"
        if st.st_nlink > 1:
            return f"it has {st.st_nlink} hard links, and replacing it would split them"
        if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
            return "it is read-only"
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        return "its folder does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "its folder is not writable"
    return None


def atomic_write(path, data: str | bytes) -> None:
    """Write data to path (through a symbolic link to its target) via a temporary file in the same
    folder and os.replace; Unwritable when why_unwritable(path) objects."""
    mode = "wb" if isinstance(data, bytes) else "w"
    with replacing(path) as tmp:
        with open(tmp, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)


@contextlib.contextmanager
def replacing(path):
    """A temporary file's name in path's folder (ending in path's name, so that its extension
    stays), for a writer that wants a file name (matplotlib's animation writers); when the block
    ends, the file replaces path (through a symbolic link, as atomic_write). Unwritable when
    why_unwritable(path) objects; if the block fails or is interrupted, the temporary file goes."""
    reason = why_unwritable(path)
    if reason:
        raise Unwritable(reason)
    real = os.path.realpath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".tmp-", suffix="-" + os.path.basename(real))
    os.close(fd)
    try:
        yield tmp
        # mkstemp makes the file private (0600); give it the mode the file had, or a new file's.
        try:
            permissions = os.stat(real).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            permissions = 0o666 & ~umask
        os.chmod(tmp, permissions)
        os.replace(tmp, real)
    except BaseException:  # Ctrl-C and SIGTERM too; after the rename there is nothing to remove
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_output(path, text: str) -> None:
    """text to a stream as it is ("-": standard output), or atomically to a file."""
    if str(path) == "-":
        sys.stdout.write(text)
    elif is_stream(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        atomic_write(path, text)


def why_not_output(path) -> str | None:
    """Why write_output(path, ...) would fail, checked before the work that makes the text."""
    return None if is_stream(path) else why_unwritable(path)


class MarkerError(ValueError):
    """A README's generated block is missing its markers or has them more than once."""


# A README, a docs page or a hand calculation is kilobytes; a file read whole is refused beyond
# this size (so that /dev/zero or an endless pipe is one line, not a process that fills memory).
MAX_TEXT_BYTES = 16 * 1024 * 1024


# An --example exercise or a hand calculation to --check is kilobytes: such a file is refused
# beyond this size, before it is parsed.
MAX_INPUT_BYTES = 1_000_000


class TooLarge(ValueError):
    """A file longer than the cap read_text was given."""


def read_text(path, cap: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of path, its line endings as they are; TooLarge beyond cap bytes (read no
    further than cap + 1 bytes, so that an endless file is refused at once), OSError or
    UnicodeDecodeError as open() and decoding raise them."""
    with open(path, "rb") as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(f"it is longer than {cap:,} bytes")
    return data.decode("utf-8")


def quoted(value, limit: int = 60) -> str:
    """repr(value), cut to about limit characters, for an error line that quotes what it read."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def marker_positions(text: str, marker: str) -> list[int]:
    """Where marker stands in text, outside fenced code blocks (``` or ~~~): a marker in a code
    example is text, not a marker."""
    positions, fence, offset = [], None, 0
    for line in text.splitlines(keepends=True):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line[opening.end():].strip():  # fmt: skip
                fence = None
        else:
            at = line.find(marker)
            while at != -1:
                positions.append(offset + at)
                at = line.find(marker, at + 1)
        offset += len(line)
    return positions


def replace_block(text: str, name: str, content: str) -> str:
    """text with everything between <!-- name:start --> and <!-- name:end --> replaced.

    The markers and every byte outside them stay as they are; the block becomes a
    newline, content, a newline. Markers inside fenced code blocks are text, not markers. In
    a file with CRLF line endings the block's lines end in CRLF too.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    starts, ends = marker_positions(text, start), marker_positions(text, end)
    if len(starts) != 1 or len(ends) != 1:
        found = f"{len(starts)} start and {len(ends)} end markers"
        raise MarkerError(f"expected exactly one {start} and one {end} outside code blocks, found {found}")
    i, j = starts[0] + len(start), ends[0]
    if j < i:
        raise MarkerError(f"{end} comes before {start}")
    newline = "\r\n" if "\r\n" in text else "\n"
    block = "\n" + content.replace("\r\n", "\n").rstrip("\n") + "\n"
    return text[:i] + block.replace("\n", newline) + text[j:]


def same_text(a: str, b: str) -> bool:
    """a and b equal but for their line endings (CRLF or LF)."""
    return a == b or a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


@contextlib.contextmanager
def locked(path):
    """An exclusive lock for read-modify-replace of path: flock on a lock file beside it
    (.NAME.lock, created when missing and never removed, which .gitignore covers), because the
    file itself is replaced by a new one on each write. Writers of different blocks of one
    file take turns, and each applies its block to the text as it is at its turn. Where there
    is no flock (Windows), or the lock file cannot be made, no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    real = os.path.realpath(path)
    lock = os.path.join(os.path.dirname(real), f".{os.path.basename(real)}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def update_block(path, name: str, content: str) -> bool:
    """Rewrite the block name of the file path with content, under locked(path), on the text as
    it is now (another writer may have changed another block meanwhile); True when it changed.
    MarkerError, TooLarge, OSError (Unwritable among them), UnicodeDecodeError as they come."""
    with locked(path):
        text = read_text(path)
        new = replace_block(text, name, content)
        if new == text:
            return False
        atomic_write(path, new)
        return True


class FileFailure(Exception):
    """A file that cannot be read, replaced or used as asked: str() is the line the command-line
    layer prints after the script's name (backprop/readme_cli.py)."""


class Stale(FileFailure):
    """--check found the block out of date: diff holds the unified diff's lines (current -> generated)."""

    def __init__(self, line: str, diff: list[str]):
        super().__init__(line)
        self.diff = diff


def read_or_fail(path, suffix: str = "") -> str:
    """read_text(path), or FileFailure with the line that says why (and suffix)."""
    try:
        return read_text(path)
    except TooLarge as exc:
        raise FileFailure(f"cannot read {path}: {exc}{suffix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFailure(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}{suffix}") from None


class MarkedBlock:
    """A README's (or docs page's) marked block for --update or --check, opened before the work that fills it.

    open() reads the file and checks its markers (and, for --update, that it can be
    replaced), raising FileFailure before any training. finish(content) then rewrites the
    block (update_block: under a lock, in the text as it is then) or compares it (regardless
    of line endings), raising Stale when it is out of date.
    """

    def __init__(self, path: str, name: str, text: str, check: bool):
        self.path, self.name, self.text, self.check = path, name, text, check

    @classmethod
    def open(cls, path: str, name: str, check: bool) -> MarkedBlock:
        text = read_or_fail(path)
        try:
            replace_block(text, name, "")
        except MarkerError as exc:
            raise FileFailure(f"{path}: {exc}; nothing written") from None
        reason = None if check else why_unwritable(path)
        if reason:
            raise FileFailure(f"cannot write {path}: {reason}; nothing written")
        return cls(path, name, text, check)

    def finish(self, content: str) -> None:
        """--update: rewrite the block atomically; --check: Stale when it is out of date."""
        if self.check:
            text = read_or_fail(self.path)  # as it is now
            try:
                new = replace_block(text, self.name, content)
            except MarkerError as exc:
                raise FileFailure(f"{self.path}: {exc}") from None
            if same_text(new, text):
                return
            text, new = text.replace("\r\n", "\n"), new.replace("\r\n", "\n")
            diff = difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"{self.path} (current)", f"{self.path} (generated)")  # fmt: skip
            raise Stale(f"{self.path}: the {self.name} block is out of date; run with --update {self.path}", list(diff))
        try:
            update_block(self.path, self.name, content)
        except MarkerError as exc:
            raise FileFailure(f"{self.path}: {exc}; nothing written") from None
        except (TooLarge, UnicodeDecodeError) as exc:
            raise FileFailure(f"cannot read {self.path}: {exc}; nothing written") from None
        except OSError as exc:
            raise FileFailure(f"cannot write {self.path}: {exc.strerror or exc}") from None
