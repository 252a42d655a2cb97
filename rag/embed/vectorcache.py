"""The vector cache: every text embedded once, per embedder, keyed by its
content. The file index's builds, the Postgres store's builds and the eval
baselines all embed through it (`VectorCache.embed`), so a text is never
embedded twice, whichever store it goes to.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from rag.fileutil import atomic_file, slug, text_hash

log = logging.getLogger(__name__)

# The cache's folder inside the index folder.
CACHE_DIR = "cache"


class Embedder(Protocol):
    """The part of rag.embed.model.Embedder the index needs (keeps this module testable
    with a fake and free of torch imports)."""

    model_id: str
    dimension: int

    def encode_passages(
        self, texts: list[str], batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-normalise to unit length so inner product equals cosine.

    The embedder promises normalised output; doing it again is cheap and keeps a
    misbehaving embedder from silently skewing scores. Zero or non-finite rows
    are an embedder failure, not something to paper over.
    """
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    if v.ndim != 2:
        raise ValueError(f"expected a 2-d array of vectors, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("embedder returned non-finite values")
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("embedder returned an all-zero vector")
    return (v / norms).astype(np.float32)


def cache_file_name(embedder_id: str, dimension: int) -> str:
    """Readable and filesystem-safe, with a hash so distinct ids never collide."""
    name = slug(embedder_id, "embedder")
    digest = hashlib.sha256(f"{embedder_id}\0{dimension}".encode()).hexdigest()[:10]
    return f"{name}-{dimension}-{digest}.npz"


_CACHE_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def _segment_keys(path: Path, embedder_id: str, dimension: int) -> list[str] | None:
    """The keys of one cache file, checked against its vectors' shape, read
    without loading the vectors (the .npy header only). None when the file
    is missing, of another embedder or unreadable: the cache only saves
    time, it is never a source of truth."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["embedder_id"]) != embedder_id:
                return None
            keys = [str(k) for k in data["keys"]]
            with data.zip.open("vectors.npy") as f:
                version = np.lib.format.read_magic(f)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, _, dtype = read_header(f)
    except _CACHE_ERRORS as exc:
        # Truncated or garbage: ignored (its texts are embedded again), said once.
        log.warning("Cache %s is unreadable (%s: %s); it is rebuilt.", path, type(exc).__name__, exc)
        return None
    if shape != (len(keys), dimension) or dtype != np.float32:
        return None
    return keys


def _segment_vectors(path: Path, rows: int, dimension: int) -> np.ndarray | None:
    """All vectors of one cache file (None when it became unreadable)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except _CACHE_ERRORS as exc:
        log.warning("Cache %s is unreadable (%s: %s); it is rebuilt.", path, type(exc).__name__, exc)
        return None
    return vectors if vectors.shape == (rows, dimension) else None


def save_vector_cache(path: Path, embedder_id: str, keys: Sequence[str], vectors: np.ndarray) -> None:
    """Atomic: written to a temp file and renamed, so keys and vectors (one
    file) can never disagree. Vectors are stored as given (not re-normalised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as f:
        np.savez(f, embedder_id=np.array(embedder_id), keys=np.array(list(keys), dtype=np.str_),
                 vectors=np.asarray(vectors, dtype=np.float32))


class VectorCache:
    """Vectors of embedded texts, keyed by content (`text_hash` of exactly
    the text given to the embedder), per embedder. The one cache for chunks,
    quotable sentences and the eval baseline: a text is never embedded twice.

    On disk: segment files `<name>.npz` and `<name>.<n>.npz`, each with
    keys, vectors and the embedder id. While an embedding run is under way
    it appends small shards (each written atomically with what was embedded
    since the last one, every `flush_texts` texts or `flush_seconds`), so a
    run that is killed loses at most its last batches and the next run
    embeds only the rest. A run that finishes merges the small files into
    segments of at most `segment_rows` vectors.

    In memory: only which file and row holds each key. Vectors are read
    from disk when asked for (`vectors_of`), one segment at a time, so an
    embedding run or a build holds the vectors it is writing, never the
    whole cache (an ingest of thousands of letters stays bounded). A damaged
    file is ignored: its texts are embedded again (costs time, never
    correctness).
    """

    flush_texts = 256
    flush_seconds = 30.0
    segment_rows = 16_384  # 24 MB of 384-d float32 per segment

    def __init__(self, path: Path, embedder: Embedder):
        self.path = Path(path)
        self.embedder = embedder
        self.dimension = int(embedder.dimension)
        # Vectors handed in by the caller (e.g. the Postgres store's own), held until asked for.
        self._held: dict[str, np.ndarray] = {}
        self._scan()

    def _scan(self) -> None:
        """Which file and row holds each key (headers and keys only)."""
        self._files: list[Path] = []
        self._rows: list[int] = []
        self._where: dict[str, int] = {}  # key -> (file number << 32) | row
        for file in [self.path, *self._shard_paths()]:
            self._add_file(file, _segment_keys(file, self.embedder.model_id, self.dimension))

    @classmethod
    def of_index(cls, index_dir: Path, embedder: Embedder) -> "VectorCache":
        return cls(Path(index_dir) / CACHE_DIR / cache_file_name(embedder.model_id, int(embedder.dimension)),
                   embedder)

    def _add_file(self, file: Path, keys: Sequence[str] | None) -> None:
        if keys is None:
            return
        number = len(self._files)
        self._files.append(file)
        self._rows.append(len(keys))
        for row, key in enumerate(keys):
            self._where[key] = (number << 32) | row

    def _shard_paths(self) -> list[Path]:
        pattern = re.compile(re.escape(self.path.stem) + r"\.(\d+)\.npz")
        found = []
        if self.path.parent.is_dir():
            for p in self.path.parent.iterdir():
                m = pattern.fullmatch(p.name)
                if m:
                    found.append((int(m.group(1)), p))
        return [p for _, p in sorted(found)]

    def _new_shard_path(self) -> Path:
        taken = {p.name for p in self._shard_paths()}
        n = len(taken)
        while f"{self.path.stem}.{n}.npz" in taken:
            n += 1
        return self.path.with_name(f"{self.path.stem}.{n}.npz")

    def _write_shard(self, pending: dict[str, np.ndarray]) -> None:
        if not pending:
            return
        shard = self._new_shard_path()
        keys = list(pending)
        save_vector_cache(shard, self.embedder.model_id, keys, np.stack([pending[k] for k in keys]))
        self._add_file(shard, keys)
        pending.clear()

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self._where.keys() | self._held.keys())

    def __contains__(self, key: str) -> bool:
        """Whether the vector of this content key (text_hash) is cached."""
        return key in self._where or key in self._held

    def put(self, key: str, vector: np.ndarray) -> None:
        """A vector the caller already has for this content key (not embedded
        here, not written to disk)."""
        self._held[key] = np.asarray(vector, dtype=np.float32)

    def vectors_of(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of these texts (all embedded before), one row each."""
        return self.get([text_hash(t) for t in texts], texts)

    def get(self, keys: Sequence[str], texts: Sequence[str] | None = None) -> np.ndarray:
        """The vectors of these content keys, one row each, read one file at
        a time. A file found damaged now drops out; with `texts` given, they
        are embedded again, otherwise KeyError."""
        out = np.empty((len(keys), self.dimension), dtype=np.float32)
        by_file: dict[int, list[tuple[int, int]]] = {}
        for i, key in enumerate(keys):
            if key in self._held:
                out[i] = self._held[key]
            else:
                at = self._where[key]
                by_file.setdefault(at >> 32, []).append((i, at & 0xFFFFFFFF))
        for number, wanted in by_file.items():
            vectors = _segment_vectors(self._files[number], self._rows[number], self.dimension)
            if vectors is None:
                self._forget(number)
                if texts is None:
                    raise KeyError(f"cache file {self._files[number]} became unreadable")
                self.embed(texts)
                return self.get(keys)
            for start in range(0, len(wanted), 4096):  # a bounded temporary per copy
                where, rows = zip(*wanted[start:start + 4096])
                out[list(where)] = vectors[list(rows)]
        return out

    def __getitem__(self, text: str) -> np.ndarray:
        return self.vectors_of([text])[0]

    def _forget(self, number: int) -> None:
        self._where = {k: at for k, at in self._where.items() if at >> 32 != number}

    # ------------------------------------------------------------------ writing
    def embed(self, texts: Sequence[str], batch_size: int = 32,
              progress: Callable[[int, int], None] | None = None) -> int:
        """Embed the texts the cache lacks (L2-normalised), saving them as
        they come (a shard every `flush_texts` texts or `flush_seconds`,
        and whatever is pending when the embedder fails), then merge the
        small files. Returns how many texts were embedded."""
        todo = [t for t in dict.fromkeys(texts) if text_hash(t) not in self]
        total = len(todo)
        if progress:
            progress(0, total)
        pending: dict[str, np.ndarray] = {}
        last_save = time.monotonic()
        try:
            for start in range(0, total, batch_size):
                batch = todo[start : start + batch_size]
                vectors = np.asarray(self.embedder.encode_passages(batch, batch_size=batch_size))
                if vectors.shape != (len(batch), self.embedder.dimension):
                    raise ValueError(
                        f"embedder {self.embedder.model_id!r} returned shape {vectors.shape}, "
                        f"expected ({len(batch)}, {self.embedder.dimension})"
                    )
                for t, vec in zip(batch, l2_normalise(vectors)):
                    pending[text_hash(t)] = vec
                if len(pending) >= self.flush_texts or time.monotonic() - last_save >= self.flush_seconds:
                    self._write_shard(pending)
                    last_save = time.monotonic()
                if progress:
                    progress(min(start + batch_size, total), total)
        except BaseException:
            with contextlib.suppress(Exception):  # keep what was embedded; never hide the failure
                self._write_shard(pending)
            raise
        self._write_shard(pending)
        if total:
            self._compact()
        return total

    def _compact(self) -> None:
        """Merge the files smaller than `segment_rows` into as few files of at
        most `segment_rows` vectors as fit (the first into `<name>.npz`),
        holding one merged segment in memory at a time. A failure leaves
        the small files, which stay valid; a later run merges them."""
        # Shards nobody could read (damaged): their texts were embedded again.
        damaged = set(self._shard_paths()) - set(self._files)
        small = [n for n in range(len(self._files)) if self._rows[n] < self.segment_rows]
        groups: list[list[int]] = []
        filled = 0  # rows in the last group
        for n in small:
            if groups and filled + self._rows[n] <= self.segment_rows:
                groups[-1].append(n)
                filled += self._rows[n]
            else:
                groups.append([n])
                filled = self._rows[n]
        main_free = self.path not in self._files or self._files.index(self.path) in small
        held_by: dict[int, list[tuple[str, int]]] = {}
        for key, at in self._where.items():
            held_by.setdefault(at >> 32, []).append((key, at & 0xFFFFFFFF))
        changed = False
        for g, group in enumerate(groups):
            target = self.path if g == 0 and main_free else None
            if len(group) == 1 and (target is None or self._files[group[0]] == target):
                continue
            # One merged segment in memory, filled file by file.
            keys = [key for n in group for key, _ in held_by.get(n, [])]
            merged = np.zeros((len(keys), self.dimension), dtype=np.float32)
            done = 0
            try:
                for n in group:
                    rows = [row for _, row in held_by.get(n, [])]
                    if not rows:  # every key of it is held by a later file
                        continue
                    vectors = _segment_vectors(self._files[n], self._rows[n], self.dimension)
                    if vectors is None:  # unreadable now: its keys are left out (embedded again when asked)
                        keys[done:done + len(rows)] = []
                        merged = np.delete(merged, np.s_[done:done + len(rows)], axis=0)
                        continue
                    merged[done:done + len(rows)] = vectors[rows]
                    done += len(rows)
                target = target or self._new_shard_path()
                save_vector_cache(target, self.embedder.model_id, keys, merged)
            except OSError as exc:
                log.warning("Cache %s not compacted (%s).", self.path, exc)
                return
            for n in group:
                if self._files[n] != target:
                    with contextlib.suppress(OSError):
                        self._files[n].unlink()
            changed = True
        for shard in damaged:
            with contextlib.suppress(OSError):
                shard.unlink()
                changed = True
        if changed:  # the file numbers changed: read the keys again
            self._scan()


