"""The archive's line writer: a separate process that owns one run file.

    python -m pipelines.archive_writer PATH

Reads JSON Lines on stdin and appends each line to PATH only once the whole line (up to its
newline) has arrived. Why a process: no append of a long line is atomic — the kernel may stop
a large ``write()`` half-way when the writing process gets SIGKILL — so the crawler never
writes the file itself. If the crawler is killed mid-record, this process reads EOF, drops the
half-received line and exits: the file keeps whole lines only. It holds an exclusive lock on
PATH while it runs, so other runs can tell a live run file from a stale one.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

CHUNK = 1 << 16


def repair_tail(path: Path) -> int:
    """Truncate a partial last line (left by a writer that was itself killed); returns the
    number of bytes removed."""
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        position = size
        while position > 0:
            step = min(CHUNK, position)
            position -= step
            handle.seek(position)
            block = handle.read(step)
            newline = block.rfind(b"\n")
            if newline != -1:
                keep = position + newline + 1
                handle.truncate(keep)
                return size - keep
        handle.truncate(0)
        return size


def is_locked(path: Path) -> bool:
    """True while a live writer holds ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def run(path: Path, source: int = 0) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    repair_tail(path)
    pending = b""
    try:
        while True:
            chunk = os.read(source, CHUNK)
            if not chunk:
                break  # EOF: the crawl closed the pipe, or died; a half line is dropped
            pending += chunk
            cut = pending.rfind(b"\n")
            if cut != -1:
                _write_all(fd, pending[: cut + 1])
                pending = pending[cut + 1 :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return 0 if not pending else 3


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pipelines.archive_writer PATH", file=sys.stderr)
        return 2
    return run(Path(args[0]))


if __name__ == "__main__":
    raise SystemExit(main())
