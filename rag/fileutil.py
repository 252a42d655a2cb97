"""Small file helpers shared by the stages (hashing, content keys, atomic text writes)."""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator


def sha256_file(path: Path) -> str:
    """Streamed, so a 500 MB model file does not have to fit in memory twice."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def text_hash(text: str) -> str:
    """The content key of a text: what is embedded is cached under it, so
    the same text is never embedded twice (chunks and sentences alike)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Temporary files start with this, so a build can sweep what a crash left.
TMP_PREFIX = ".tmp-"


@contextmanager
def atomic_file(path: Path, mode: str = "wb") -> Iterator[IO]:
    """Write via a temp file in the same folder, flushed to disk, then renamed
    over `path`: a reader never sees half a file, and a crash leaves the old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}.")
    try:
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, content: str) -> None:
    with atomic_file(path, "w") as fh:
        fh.write(content)


def atomic_write_bytes(path: Path, content: bytes) -> None:
    with atomic_file(path, "wb") as fh:
        fh.write(content)


def slug(text: str, fallback: str, max_len: int = 60) -> str:
    """ASCII lowercase words joined by "-": for letter ids and file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_len].strip("-") or fallback


@contextmanager
def file_lock(path: Path, wait_s: float | None = None,
              on_timeout: Callable[[str], Exception] | None = None) -> Iterator[None]:
    """One process at a time (flock on `path`, which holds the holder's pid).
    Waits as long as it takes, or up to wait_s and then raises
    on_timeout(holder's pid)."""
    with open(path, "a+") as f:
        deadline = None if wait_s is None else time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    f.seek(0)
                    holder = f.read(32).strip() or "?"
                    raise (on_timeout(holder) if on_timeout else TimeoutError(f"{path} is held by pid {holder}")) \
                        from None
                time.sleep(0.2)
        try:
            f.seek(0)
            f.truncate()
            f.write(str(os.getpid()))
            f.flush()
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
