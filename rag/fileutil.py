"""Small file helpers shared by the stages (hashing, content keys, atomic text writes)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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


def atomic_write_text(path: Path, content: str) -> None:
    """Write via a temp file in the same folder and rename: a reader never
    sees half a file, and a crash leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
