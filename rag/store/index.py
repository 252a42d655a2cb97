"""The file store: versions of the index on disk (vectors, chunk store,
manifest), and what every store's version shares (LoadedIndex, the
manifest, the version name and the fit check).

Layout under `index_dir` (see index/README.md for the full description):

    CURRENT                  name of the live version directory (one line)
    v-<utc stamp>-<rand>/    one complete, immutable build
        manifest.json        what was built, from what, with which embedder
        chunks.jsonl         one Chunk.to_dict() per line; line i = FAISS id i
        vectors.faiss        faiss.IndexFlatIP over L2-normalised float32 (exact);
                             from Settings.ann_min_vectors vectors on an
                             IndexIVFFlat (approximate, see dense_index)
        letters.jsonl        one LetterPages per letter: cleaned text, page
                             starts, what the letter states about itself
        sentences.npz        vectors of every quotable sentence (and of the
                             answerer's everyday subjects), keyed by text_hash
        bm25.*, idf.json     the BM25 index over the chunks (bm25s's save
                             format) and the answerer's idf (rag.store.lexical)
    cache/<embedder>.npz     embedding cache: content key -> vector, per embedder
                             (rag.embed.vectorcache)
    .lock                    held (flock) while a build runs

Why versions + a pointer: a build writes a complete new version next to the
live one and only then replaces CURRENT with os.replace, which is atomic. A
crash, kill or exception at any point before that leaves CURRENT pointing at
the previous, untouched version; leftovers are swept by the next build.

Why an embedding cache outside the versions: re-ingesting after a small edit
(or switching embedder and back) should embed only chunks whose text is new,
the way simonw's `llm embed-multi` skips unchanged content hashes.

No pickle anywhere: JSON, JSONL, FAISS's own format, and .npz/.npy loaded
with allow_pickle=False.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import stat
import time
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import faiss
import numpy as np

from rag.ingest.chunk import embedding_text
from rag.config import Settings
from rag.store import lexical
from rag import texts as T
from rag.errors import IndexStateError
from rag.store.rankers import FileRankers, Rankers
from rag.embed.vectorcache import CACHE_DIR, Embedder, VectorCache
from rag.fileutil import TMP_PREFIX, atomic_write_text, file_lock, sha256_file, text_hash
from rag.records import Chunk, Letter, LetterPages

log = logging.getLogger(__name__)

# 2: letters.jsonl and sentences.npz joined the version (later stages load
# them instead of re-cleaning letters and caching sentence vectors elsewhere).
# 3: the BM25 index and the idf table joined it (a load no longer stems
# every chunk: minutes of app start at 5,000 letters).
FORMAT_VERSION = 3

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.json.hmac"
CHUNKS_FILE = "chunks.jsonl"
FAISS_FILE = "vectors.faiss"
LETTERS_FILE = "letters.jsonl"
SENTENCES_FILE = "sentences.npz"
LOCK_FILE = ".lock"
_VERSION_PREFIX = "v-"



class MissingIndex(IndexStateError):
    """No index has been built in this folder yet (safe to build automatically;
    unlike a corrupted index or one from another embedder)."""


class OldFormatIndex(MissingIndex):
    """The index was written by an older version of this program: as good as
    missing, and rebuilt the same way (its embedding cache is reused)."""


class StaleIndex(IndexStateError):
    """The index is intact and matches the embedder, but was built from other
    letters or another chunker version.

    Callers that can rebuild (CLI `ask`, the app) catch this and rebuild; the
    still-usable index is attached as `.index` for callers that prefer to serve
    stale results with a warning. `.reasons` lists what differs, in words.
    """

    def __init__(self, message: str, hint: str, *, reasons: list[str], index: "LoadedIndex"):
        super().__init__(message, hint)
        self.reasons = reasons
        self.index = index


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Manifest:
    format_version: int
    embedder_id: str
    dimension: int
    chunker_version: str
    corpus_hashes: dict[str, str]
    chunk_count: int
    created_at: str
    # sha256 of each data file of the version, so a truncated or bit-rotten file
    # is reported as corruption instead of producing wrong answers.
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Manifest":
        return cls(
            format_version=int(d["format_version"]),
            embedder_id=str(d["embedder_id"]),
            dimension=int(d["dimension"]),
            chunker_version=str(d["chunker_version"]),
            corpus_hashes={str(k): str(v) for k, v in dict(d["corpus_hashes"]).items()},
            chunk_count=int(d["chunk_count"]),
            created_at=str(d["created_at"]),
            files={str(k): str(v) for k, v in dict(d.get("files", {})).items()},
        )


def new_version_name() -> str:
    """A new version's name, for every store: sortable by time, unique
    across processes building at once."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{_VERSION_PREFIX}{stamp}-{secrets.token_hex(3)}"


def new_manifest(embedder: "Embedder", *, chunker_version: str, corpus_hashes: dict[str, str], chunk_count: int,
                 files: dict[str, str]) -> Manifest:
    """What a new version of any store is built from."""
    return Manifest(
        format_version=FORMAT_VERSION,
        embedder_id=embedder.model_id,
        dimension=int(embedder.dimension),
        chunker_version=chunker_version,
        corpus_hashes=dict(sorted(corpus_hashes.items())),
        chunk_count=chunk_count,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        files=files,
    )


def check_fit(loaded: "LoadedIndex", *, embedder_id: str, dimension: int, chunker_version: str | None = None,
              corpus_hashes: dict[str, str] | None = None, others_letters_kept: bool = False,
              reasons: Sequence[str] = ()) -> None:
    """The one check of a loaded version against its caller, for every store.

    IndexStateError when it was built with another embedder or dimension (a
    rebuild must be asked for); StaleIndex when only the chunker version or
    the letters differ, or the store gives `reasons` of its own (safe to
    rebuild automatically). chunker_version / corpus_hashes None skip that
    check. `others_letters_kept`: letters the version holds that
    `corpus_hashes` lacks are part of a shared store (another process added
    them), no reason to rebuild."""
    m = loaded.manifest
    if m.embedder_id != embedder_id or m.dimension != int(dimension):
        raise IndexStateError(
            f"De index is gebouwd met embedder {m.embedder_id!r} ({m.dimension} dimensies), "
            f"maar ingesteld is {embedder_id!r} ({dimension} dimensies).",
            f"{T.REBUILD_INDEX} Of stel RAG_EMBEDDER={m.embedder_id} weer in.",
        )
    why: list[str] = []
    if chunker_version is not None and m.chunker_version != chunker_version:
        why.append(f"chunker version {m.chunker_version!r} -> {chunker_version!r}")
    why += reasons
    if corpus_hashes is not None:
        built = {k: v for k, v in m.corpus_hashes.items() if k in corpus_hashes} if others_letters_kept \
            else m.corpus_hashes
        why += diff_corpus(built, corpus_hashes)
    if why:
        raise StaleIndex("De index is verouderd: " + "; ".join(why) + ".", T.REBUILD_INDEX, reasons=why, index=loaded)


@dataclass(frozen=True)
class IndexStats:
    chunks: int
    embedded_new: int
    reused: int
    seconds: float
    version: str = ""


@dataclass(kw_only=True)
class LoadedIndex:
    """One version of an index, read into memory as far as its store keeps
    it there: what the retriever and the answerer need of any store. A
    store's version subclasses this with where its vectors are
    (`FileIndex` here, rag.store.pgstore.PgIndex), so the pipeline never asks
    which kind it holds."""

    manifest: Manifest
    chunks: list[Chunk]  # chunks[i] is row i of every ranking
    letters: dict[str, LetterPages] = field(default_factory=dict)
    # text_hash(sentence) -> vector, for the extractive answerer
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # The idf of the chunks' tokens (rag.store.lexical), which the answerer weighs
    # question words by; every store builds it with the version.
    idf: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.chunks)

    def version_name(self) -> str:
        """The name of this version."""
        raise NotImplementedError

    def letters_of(self, corpus_letters: Sequence[Letter]) -> list[Letter]:
        """The letters this version answers over."""
        raise NotImplementedError

    def rankers(self) -> Rankers:
        """The store's rankings of this version's chunks (rag.store.rankers)."""
        raise NotImplementedError


@dataclass(kw_only=True)
class FileIndex(LoadedIndex):
    """A version folder of the file index. Row i of `vectors`, FAISS id i
    and `chunks[i]` are the same chunk."""

    path: Path
    faiss_index: faiss.Index
    vectors: np.ndarray  # (n, dimension) float32, L2-normalised
    bm25: Any = None  # bm25s over the chunks (rag.store.lexical); None for no chunks

    def version_name(self) -> str:
        """The name of this version (its folder)."""
        return self.path.name

    def letters_of(self, corpus_letters: Sequence[Letter]) -> list[Letter]:
        """The letters this version answers over: the corpus's, for a file index."""
        return list(corpus_letters)

    def rankers(self) -> FileRankers:
        return FileRankers(self.faiss_index, self.vectors, self.bm25)


# --------------------------------------------------------------------------- pure helpers


def diff_corpus(built: dict[str, str], wanted: dict[str, str]) -> list[str]:
    """Human-readable differences between the corpus an index was built from
    and the one the caller has now."""
    reasons = []
    for letter_id in sorted(set(wanted) - set(built)):
        reasons.append(f"letter {letter_id!r} is new")
    for letter_id in sorted(set(built) - set(wanted)):
        reasons.append(f"letter {letter_id!r} was removed")
    for letter_id in sorted(set(built) & set(wanted)):
        if built[letter_id] != wanted[letter_id]:
            reasons.append(f"letter {letter_id!r} changed")
    return reasons


# --------------------------------------------------------------------------- file I/O


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; harmless where unsupported.
    with contextlib.suppress(OSError):
        _fsync_file(path)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _write_chunks(path: Path, chunks: Sequence[Chunk]) -> None:
    lines = (json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in chunks)
    _write_text(path, "".join(lines))


# Approximate search from this many vectors on; below it exact search is
# cheap (bench/bench_scale.py measures both and the recall).
ANN_MIN_VECTORS = Settings.ann_min_vectors
# The approximate index is IVF-Flat: k-means cells of full vectors, a query
# scans the IVF_NPROBE nearest cells exactly. HNSW (M=32, efConstruction=80)
# was used first and fails on near-duplicate passages, which a dossier has
# (letters quoting each other, versions of one letter): on 20,302 real e5
# vectors of 500 near-copy letters its recall@10 was 0.54 (0.58 counting
# exact ties) and 0.64 at efSearch 512, where IVF with these settings gets
# 0.963 (0.999 counting ties, 0.10 ms); on 1M clustered vectors IVF gets
# recall 1.000 at p50 0.77 ms (HNSW: 0.999, 1.25 ms) and builds in 4 minutes
# instead of 10. bench/bench_ann_recall.py and bench/bench_scale.py measure it.
IVF_LISTS_PER_SQRT = 4  # cells = 4 * sqrt(n) (faiss's guidance: 4-16 sqrt n) ...
IVF_MIN_PER_LIST = 39  # ... but never fewer than 39 training points per cell (faiss warns below)
IVF_NPROBE = 32


def dense_index(vectors: np.ndarray, ann_min_vectors: int | None = None) -> faiss.Index:
    """The dense index over L2-normalised float32 rows (row i = id i): exact
    inner product below `ann_min_vectors` (default ANN_MIN_VECTORS), IVF-Flat
    with the inner-product metric from there on. Both keep the full vectors,
    so the loaded vectors and the cosines are exact either way."""
    threshold = ANN_MIN_VECTORS if ann_min_vectors is None else int(ann_min_vectors)
    n, d = vectors.shape
    if n and n >= threshold:
        cells = max(1, min(int(IVF_LISTS_PER_SQRT * np.sqrt(n)), n // IVF_MIN_PER_LIST))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, cells, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = IVF_NPROBE
    else:
        index = faiss.IndexFlatIP(d)
    if n:
        index.add(vectors)
    return index


def _write_faiss(path: Path, vectors: np.ndarray, ann_min_vectors: int | None = None) -> None:
    faiss.write_index(dense_index(vectors, ann_min_vectors), str(path))
    _fsync_file(path)


def _write_manifest(path: Path, manifest: Manifest, key: str = "") -> None:
    text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2) + "\n"
    _write_text(path, text)
    if key:
        _write_text(path.with_name(SIGNATURE_FILE), manifest_signature(text.encode("utf-8"), key) + "\n")


def manifest_signature(manifest_bytes: bytes, key: str) -> str:
    """HMAC-SHA256 of the manifest (which holds every file's checksum) under
    RAG_INDEX_KEY, a key kept outside the index folder: whoever edits a chunk
    and recomputes the checksums cannot sign the result without it."""
    return hmac.new(key.encode("utf-8"), manifest_bytes, hashlib.sha256).hexdigest()


LOCK_WAIT_S = 30.0


def _build_lock(index_dir: Path, wait_s: float | None = None):
    """One build at a time per index folder (CLI ingest vs. the app rebuilding).
    Waits up to LOCK_WAIT_S for another build, then says who holds it."""
    def busy(holder: str) -> IndexStateError:
        return IndexStateError(f"Er loopt al een andere indexering (pid {holder}) op {index_dir}.",
                               "Wacht tot die klaar is en probeer het dan opnieuw.")

    return file_lock(index_dir / LOCK_FILE, LOCK_WAIT_S if wait_s is None else wait_s, busy)


def _write_sentences(path: Path, keys: Sequence[str], matrix: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.savez(f, keys=np.array(keys, dtype=np.str_), vectors=matrix)
        f.flush()
        os.fsync(f.fileno())


# --------------------------------------------------------------------------- build


def _check_chunks(chunks: Sequence[Chunk]) -> None:
    seen: set[str] = set()
    for c in chunks:
        if c.chunk_id in seen:
            raise ValueError(f"duplicate chunk_id {c.chunk_id!r}; chunk ids must be unique")
        seen.add(c.chunk_id)


def _sweep(index_dir: Path, keep: str) -> None:
    """Remove old versions and leftovers of interrupted builds."""
    for p in index_dir.iterdir():
        if p.name == keep or not p.is_dir():
            continue
        if p.name.startswith(_VERSION_PREFIX) or p.name.startswith(TMP_PREFIX):
            shutil.rmtree(p, ignore_errors=True)
    for p in (index_dir / CACHE_DIR).glob(f"{TMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            p.unlink()


def build_index(
    chunks: list[Chunk],
    embedder: Embedder,
    index_dir: Path,
    *,
    chunker_version: str,
    corpus_hashes: dict[str, str],
    letters: Sequence[LetterPages] = (),
    sentences: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 32,
    key: str = "",
    ann_min_vectors: int | None = None,
) -> IndexStats:
    """Embed (only what the cache lacks), write a new version, switch to it.

    `letters` (cleaned text and page starts per letter) and the vectors of
    `sentences` (what the answerer may quote) are written into the version
    too. `progress(done, total)` is called over the texts that need embedding.
    The previous version stays loadable until the final os.replace of CURRENT.
    With `key` (RAG_INDEX_KEY) the manifest is signed (manifest_signature).
    """
    t0 = time.perf_counter()
    _check_chunks(chunks)
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)

    with _build_lock(index_dir):
        cache = VectorCache.of_index(index_dir, embedder)
        texts = [embedding_text(c) for c in chunks]
        # Saved before the version is written: vectors computed by a build
        # that later fails are not lost.
        embedded = cache.embed([*texts, *sentences], batch_size, progress)

        vectors = cache.vectors_of(texts)

        name = new_version_name()
        tmp = index_dir / f"{TMP_PREFIX}{name}"
        tmp.mkdir()
        try:
            _write_chunks(tmp / CHUNKS_FILE, chunks)
            _write_faiss(tmp / FAISS_FILE, vectors, ann_min_vectors)
            _write_text(tmp / LETTERS_FILE, "".join(json.dumps(x.to_dict(), ensure_ascii=False) + "\n"
                                                    for x in letters))
            by_key = dict(sorted((text_hash(t), t) for t in sentences))
            _write_sentences(tmp / SENTENCES_FILE, list(by_key), cache.vectors_of(list(by_key.values())))
            lexical_files = lexical.write(tmp, chunks)
            manifest = new_manifest(
                embedder, chunker_version=chunker_version, corpus_hashes=corpus_hashes, chunk_count=len(chunks),
                files={f: sha256_file(tmp / f)
                       for f in (CHUNKS_FILE, FAISS_FILE, LETTERS_FILE, SENTENCES_FILE, *lexical_files)})
            _write_manifest(tmp / MANIFEST_FILE, manifest, key)
            _fsync_dir(tmp)
            os.rename(tmp, index_dir / name)
            atomic_write_text(index_dir / CURRENT_FILE, name + "\n")  # the switch
            _fsync_dir(index_dir)
        except BaseException:
            # Leave the live version alone; drop only what this build wrote.
            shutil.rmtree(tmp, ignore_errors=True)
            if current_version(index_dir) != name:
                shutil.rmtree(index_dir / name, ignore_errors=True)
            raise
        _sweep(index_dir, keep=name)

    return IndexStats(
        chunks=len(chunks),
        embedded_new=embedded,
        reused=len(set(texts) | set(sentences)) - embedded,
        seconds=time.perf_counter() - t0,
        version=name,
    )


# --------------------------------------------------------------------------- load


# What CURRENT may name: a version directory inside the index folder.
_VERSION_NAME = re.compile(rf"{re.escape(_VERSION_PREFIX)}[0-9A-Za-z-]{{1,80}}")
# No index file is bigger than this (manifest, chunks, vectors); a larger or
# special file (a device, a FIFO) is not read at all.
MAX_INDEX_FILE_BYTES = 4 * 2**30
MAX_POINTER_BYTES = 256


def current_version(index_dir: Path) -> str | None:
    """Name of the live version directory, or None when nothing is built yet.
    An index folder that is a file, or a CURRENT that is not a short line
    naming a version directory inside the folder, is corrupted."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexStateError(f"De indexmap {index_dir} is geen map maar een bestand.",
                              "Verplaats dat bestand of stel RAG_INDEX_DIR op een map in.")
    pointer = index_dir / CURRENT_FILE
    try:
        _check_regular(pointer, MAX_POINTER_BYTES)
        name = pointer.read_bytes().decode("utf-8").strip()
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, IndexStateError, OSError) as e:
        raise _corrupted(index_dir, f"{CURRENT_FILE} is not a version name ({_reason(e)})") from e
    if not name:
        return None
    if not _VERSION_NAME.fullmatch(name):
        raise _corrupted(index_dir, f"{CURRENT_FILE} names {name[:40]!r}, not a version directory of this index")
    return name


def live_manifest(index_dir: Path) -> Manifest | None:
    """The live version's manifest alone (what it was built from), or None
    when there is no readable one; a cheap look before a load or build."""
    try:
        name = current_version(index_dir)
        return None if name is None else _read_manifest(index_dir / name)[1]
    except (IndexStateError, OSError, ValueError, KeyError, TypeError):
        return None


def _read_manifest(version_dir: Path) -> tuple[bytes, Manifest]:
    """A version's manifest: its bytes (what a signature covers) and what
    they say. Raises what reading and parsing raise."""
    path = version_dir / MANIFEST_FILE
    _check_regular(path, MAX_POINTER_BYTES * 4096)
    raw = path.read_bytes()
    return raw, Manifest.from_dict(json.loads(raw.decode("utf-8")))


def _reason(e: BaseException) -> str:
    return getattr(e, "strerror", None) or getattr(e, "message", None) or type(e).__name__


def _check_regular(path: Path, max_bytes: int) -> None:
    """A regular file of at most max_bytes, or IndexStateError (missing: FileNotFoundError)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise IndexStateError(f"{path.name} is not a regular file", "")
    if st.st_size > max_bytes:
        raise IndexStateError(f"{path.name} is larger than {max_bytes} bytes", "")


def _corrupted(path: Path, what: str) -> IndexStateError:
    return IndexStateError(
        f"De index in {path} is beschadigd (corrupted): {what}.",
        T.REBUILD_INDEX,
    )


def _read_version(path: Path, key: str = "") -> FileIndex:
    """Read and cross-check one version directory. FileNotFoundError escapes so
    the caller can retry when a concurrent build swept this version."""
    try:
        raw, manifest = _read_manifest(path)
    except FileNotFoundError:
        raise
    except IndexStateError as e:
        raise _corrupted(path, e.message) from e
    except (ValueError, KeyError, TypeError) as e:
        raise _corrupted(path, f"{MANIFEST_FILE} is unreadable ({e})") from e
    if manifest.format_version != FORMAT_VERSION:
        raise OldFormatIndex(
            f"The index at {path} has format version {manifest.format_version}; "
            f"this program reads version {FORMAT_VERSION}.",
            T.REBUILD_INDEX,
        )

    if key:
        try:
            signature = (path / SIGNATURE_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            signature = ""
        if not hmac.compare_digest(signature, manifest_signature(raw, key)):
            raise IndexStateError(
                f"De index in {path} is niet ondertekend met de ingestelde sleutel (RAG_INDEX_KEY): "
                "hij is gewijzigd buiten dit programma, of met een andere sleutel gebouwd.",
                f"{T.REBUILD_INDEX} Gebruik dezelfde RAG_INDEX_KEY.")
    for fname, expected in manifest.files.items():
        # Only the version's own regular files: no other folder, no device.
        if not isinstance(fname, str) or Path(fname).name != fname or fname in ("", ".", ".."):
            raise _corrupted(path, f"{MANIFEST_FILE} lists {str(fname)[:40]!r}, not a file of this version")
        try:
            _check_regular(path / fname, MAX_INDEX_FILE_BYTES)
        except IndexStateError as e:
            raise _corrupted(path, e.message) from e
        if sha256_file(path / fname) != expected:
            raise _corrupted(path, f"{fname} does not match its checksum in {MANIFEST_FILE}")

    chunks: list[Chunk] = []
    with open(path / CHUNKS_FILE, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                chunks.append(_valid_chunk(Chunk.from_dict(json.loads(line))))
            except (ValueError, TypeError, AttributeError) as e:
                raise _corrupted(path, f"{CHUNKS_FILE} line {lineno} is not a valid chunk ({e})") from e

    try:
        index = faiss.read_index(str(path / FAISS_FILE))
    except RuntimeError as e:
        if not (path / FAISS_FILE).exists():
            raise FileNotFoundError(path / FAISS_FILE) from e
        raise _corrupted(path, f"{FAISS_FILE} cannot be read by FAISS") from e

    if not (index.ntotal == len(chunks) == manifest.chunk_count):
        raise _corrupted(
            path,
            f"{index.ntotal} vectors, {len(chunks)} chunks, manifest says {manifest.chunk_count}",
        )
    if index.d != manifest.dimension:
        raise _corrupted(path, f"vectors have dimension {index.d}, manifest says {manifest.dimension}")
    if isinstance(index, faiss.IndexIVFFlat):
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise _corrupted(path, f"{FAISS_FILE} is an IVF index without inner-product metric")
        index.nprobe = IVF_NPROBE
        index.make_direct_map()  # so the vectors can be read back (reconstruct_n)
    elif not isinstance(index, faiss.IndexFlatIP):
        raise _corrupted(path, f"{FAISS_FILE} is a {type(index).__name__}, not an exact or IVF index")

    vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)
    try:
        with open(path / LETTERS_FILE, encoding="utf-8") as f:
            pages = [LetterPages.from_dict(json.loads(line)) for line in f if line.strip()]
        letters = {x.letter_id: x for x in pages}
        with np.load(path / SENTENCES_FILE, allow_pickle=False) as data:
            keys = [str(k) for k in data["keys"]]
            matrix = np.asarray(data["vectors"], dtype=np.float32)
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise _corrupted(path, f"{LETTERS_FILE} or {SENTENCES_FILE} is unreadable ({e})") from e
    if matrix.shape != (len(keys), manifest.dimension):
        raise _corrupted(path, f"{SENTENCES_FILE} holds {matrix.shape} vectors for {len(keys)} sentences")
    if lexical.IDF_FILE not in manifest.files:
        raise _corrupted(path, f"{MANIFEST_FILE} lists no {lexical.IDF_FILE}")
    try:
        bm25, idf = lexical.read(path, list(manifest.files))
    except FileNotFoundError:
        raise
    except Exception as e:  # noqa: BLE001 - bm25s raises what numpy/json raise; all mean "unreadable"
        raise _corrupted(path, f"the BM25 files are unreadable ({type(e).__name__}: {e})") from e
    if bm25 is not None and bm25.scores["num_docs"] != len(chunks):
        raise _corrupted(path, f"BM25 covers {bm25.scores['num_docs']} chunks, not {len(chunks)}")
    return FileIndex(path=path, manifest=manifest, chunks=chunks, faiss_index=index, vectors=vectors,
                       letters=letters, sentence_vectors=dict(zip(keys, matrix)), bm25=bm25, idf=idf)


def _valid_chunk(c: Chunk) -> Chunk:
    """Fields of the types later stages rely on (TypeError otherwise)."""
    for name in ("chunk_id", "letter_id", "title", "date", "kamerstuk", "section", "text", "kind"):
        if not isinstance(getattr(c, name), str):
            raise TypeError(f"{name} is {type(getattr(c, name)).__name__}, not text")
    if not all(isinstance(p, int) for p in c.pages) or not isinstance(c.start, int) or not isinstance(c.end, int):
        raise TypeError("pages and offsets must be whole numbers")
    if any(not (0 <= a < b <= len(c.text)) for a, b in c.answer_spans):
        raise TypeError("answer_spans point outside the text")
    return c


def load_index(
    index_dir: Path,
    *,
    embedder_id: str,
    dimension: int,
    chunker_version: str | None = None,
    corpus_hashes: dict[str, str] | None = None,
    key: str = "",
) -> FileIndex:
    """Load the live version and check it fits the caller.

    Raises IndexStateError when the index is missing, corrupted, or built with
    another embedder/dimension (a rebuild is needed and must be asked for), and
    StaleIndex (a subclass) when only the letters or the chunker version differ
    (safe to rebuild automatically). chunker_version / corpus_hashes = None skip
    that check.
    """
    index_dir = Path(index_dir)
    for attempt in range(3):
        name = current_version(index_dir)
        if name is None:
            raise MissingIndex(
                f"Geen index gevonden in {index_dir}.",
                T.REBUILD_INDEX,
            )
        try:
            loaded = _read_version(index_dir / name, key)
            break
        except FileNotFoundError as e:
            # A concurrent build may have switched and swept this version
            # between reading CURRENT and opening its files: read CURRENT again.
            if current_version(index_dir) != name:
                continue
            raise _corrupted(index_dir / name, f"{Path(e.filename or str(e)).name} is missing") from e
    else:  # pragma: no cover - three concurrent rebuilds in a row
        raise IndexStateError(f"The index in {index_dir} kept changing while loading.", "Try again.")

    check_fit(loaded, embedder_id=embedder_id, dimension=dimension, chunker_version=chunker_version,
              corpus_hashes=corpus_hashes)
    return loaded


