"""Building the index: the one way it is done.

    letters -> clean (once each) -> chunk -> embed chunks and quotable sentences
            -> one atomic index version (rag.store.index) -> loaded

`Library`, the CLI (through `Library.ingest`, with its rollback), the eval
harness, the benches and the tests all call `build`, so what the later stages
need (page starts, page texts, letter context, sentence vectors) is made in
one place and stored in the version; after a build nothing re-reads or
re-cleans a letter file.
"""
from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from rag.ingest import corpus
from rag.ingest.chunk import chunk_letter
from rag.ingest.clean import CleanText
from rag.config import Settings
from rag.fileutil import atomic_write_text, text_hash
from rag.store.index import FileIndex, build_index, load_index
from rag.records import Chunk, Letter, LetterPages
from rag.tokens import count_tokens

log = logging.getLogger(__name__)

Progress = Callable[[str, float | None], None]

BACKGROUND = Path(__file__).resolve().parent.parent / "data" / "background.txt"


def quiet(message: str, fraction: float | None = None) -> None:
    pass


def embed_progress(progress: Progress) -> Callable[[int, int], None]:
    """Embedding progress as counts for a progress object that takes them
    (`progress.counts(done, total)`: the CLI's bar with ETA), else as a
    message with the fraction done (the app)."""
    counts = getattr(progress, "counts", None)
    if callable(counts):
        return counts
    return lambda done, total: total and progress(f"Inbedden {done}/{total}", done / total)


def load_background(path: Path = BACKGROUND) -> list[str]:
    """Everyday subjects the answerer tells the letters' subject from."""
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def letter_context(letter: Letter, cleaned: CleanText) -> str:
    """What a letter states about itself, as text an answer's context may be
    checked against: the manifest's minister, date and Kamerstuk, the
    addressee of a letter to parliament, its letterhead and signature, the
    reports its first page names and the parliamentary year of its pages."""
    to_parliament = "Tweede Kamer" if letter.kind in corpus.KINDS else ""
    furniture = " ".join(cleaned.text[a:b] for a, b, _ in cleaned.furniture)
    # The reports and programmes the letter opens with, by their quoted names
    # ("de reactie op het rapport ‘Koersvast’"): a question may name
    # the letter by what it replies to.
    first_page = cleaned.text[:cleaned.page_starts[1]] if len(cleaned.page_starts) > 1 else cleaned.text[:3000]
    replies_to = " ".join(dict.fromkeys(m.group(1) for m in _QUOTED_NAME.finditer(first_page)))
    # The parliamentary year of its running heads ("vergaderjaar 2022–2023"):
    # the years an undated letter was written in.
    session = " ".join(dict.fromkeys(h.vergaderjaar for h in cleaned.headers if h.vergaderjaar))
    return " ".join(x for x in (letter.minister, letter.date, letter.kamerstuk, to_parliament, furniture, replies_to,
                                session) if x)


_QUOTED_NAME = re.compile(r"[‘«“]([A-ZÀ-Ý][^’»”]{2,160})[’»”]")


def quotable_sentences(chunks: Sequence[Chunk]) -> list[str]:
    """Every sentence an extractive answer may quote, once."""
    seen: dict[str, None] = {}
    for c in chunks:
        for a, b in c.answer_spans:
            seen.setdefault(c.text[a:b])
    return list(seen)


# How often chunk_letters reports (seconds).
PROGRESS_EVERY_S = 1.0
# Each letter's chunks and pages, kept between builds (under the index
# folder): adding one letter to hundreds chunks that one, not all of them
# again (cleaning, layout and typed spans take about a second per letter).
CHUNK_CACHE_DIR = Path("cache") / "chunks"


def _chunk_key(settings: Settings, letter: Letter, raw: str) -> str:
    """A letter's chunks are reused exactly while an index of them would not
    be stale: the same text and metadata, the same chunker version (its code
    digest and size settings, rag.ingest.chunk.CHUNKER_VERSION)."""
    meta = json.dumps(letter.to_dict(), sort_keys=True, ensure_ascii=False)
    return text_hash("\0".join((corpus.chunker_version(settings), meta, raw)))


def _cached_chunks(path: Path) -> tuple[list[Chunk], LetterPages] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Chunk.from_dict(c) for c in data["chunks"]], LetterPages.from_dict(data["pages"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: chunked again, never trusted
        log.warning("Chunk cache %s is unreadable (%s); the letter is chunked again.", path.name, exc)
        return None


def chunk_letters(settings: Settings, letters: Sequence[Letter], progress: Progress = quiet,
                  texts: Mapping[str, str] | None = None) -> tuple[list[Chunk], list[LetterPages]]:
    """Each letter cleaned once, then chunked; with what later stages need
    of the cleaned letter. `texts`: the letters' text by letter id, where a
    store holds it (default: read from the corpus folder). Progress per
    letter: reading, typing every sentence's spans and chunking take seconds
    per letter, before any embedding starts."""
    chunks: list[Chunk] = []
    pages: list[LetterPages] = []
    cache = settings.index_dir / CHUNK_CACHE_DIR
    used: set[str] = set()
    said = float("-inf")
    for i, letter in enumerate(letters):
        if time.monotonic() - said >= PROGRESS_EVERY_S:  # a line per second at most, in a log too
            progress(f"Brieven lezen en in passages delen {i}/{len(letters)}", i / max(len(letters), 1))
            said = time.monotonic()
        raw = texts[letter.letter_id] if texts is not None else corpus.read_text(letter, settings)
        key = _chunk_key(settings, letter, raw)
        used.add(key)
        cached = _cached_chunks(cache / f"{key}.json")
        if cached is None:
            cleaned = corpus.clean(raw)
            cached = (chunk_letter(letter, cleaned, max_tokens=settings.chunk_tokens,
                                   overlap_sentences=settings.chunk_overlap_sentences, count=count_tokens),
                      LetterPages(letter.letter_id, cleaned.text, tuple(cleaned.page_starts),
                                  letter_context(letter, cleaned)))
            _save_chunks(cache / f"{key}.json", *cached)
        chunks += cached[0]
        pages.append(cached[1])
    # What no letter of this build uses any more goes (a replaced or removed letter).
    try:
        for path in cache.glob("*.json") if cache.is_dir() else ():
            if path.stem not in used:
                path.unlink(missing_ok=True)
    except OSError as exc:  # a read-only index folder: kept as it is
        log.warning("Chunk cache not pruned (%s).", exc)
    return chunks, pages


def _save_chunks(path: Path, chunks: list[Chunk], pages: LetterPages) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({"chunks": [c.to_dict() for c in chunks], "pages": pages.to_dict()},
                                           ensure_ascii=False))
    except OSError as exc:  # a read-only index folder only costs time
        log.warning("Chunk cache %s not written (%s).", path.name, exc)


def build(settings: Settings, embedder: Any, letters: Sequence[Letter] | None = None,
          progress: Progress = quiet) -> FileIndex:
    """Build a new index version of `letters` (default: the corpus) in
    settings.index_dir, embedding only what the cache lacks, and load it."""
    letters = corpus.load_letters(settings) if letters is None else list(letters)
    chunks, pages = chunk_letters(settings, letters, progress)
    progress(f"{len(chunks)} passages uit {len(letters)} brieven", 1.0)
    build_index(
        chunks, embedder, settings.index_dir,
        chunker_version=corpus.chunker_version(settings), corpus_hashes=corpus.corpus_hashes(letters),
        letters=pages, sentences=quotable_sentences(chunks) + load_background(),
        progress=embed_progress(progress),
        key=settings.index_key,
        ann_min_vectors=settings.ann_min_vectors,
    )
    progress("Index laden", None)
    return load_index(settings.index_dir, embedder_id=embedder.model_id, dimension=embedder.dimension,
                      key=settings.index_key)
