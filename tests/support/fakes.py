"""Stand-ins for the model and the index, so the unit tier loads no model:
a counting embedder and a tiny index of made-up chunks (store tests), a
bag-of-words embedder and retriever (search tests), hashed bag-of-words
passages and an extractive answerer over them (answer tests), a minimal
PDF (ingest tests)."""
from __future__ import annotations

import hashlib
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answer.extractive import ExtractiveAnswerer
from rag.config import Calibration, Settings
from rag.ingest.chunk import answer_spans
from rag.records import Chunk, Passage
from rag.search.retrieve import Retriever
from rag.store.index import build_index, load_index
from rag.store.lexical import idf_table
from rag.textnl import tokenize

# ---- the store's tests: a counting embedder and a tiny index of made-up chunks

DIM = 16


class CountingEmbedder:
    """Deterministic pseudo-random unit vectors from the text; counts calls."""

    def __init__(self, model_id: str = "fake/counting", dimension: int = DIM):
        self.model_id = model_id
        self.dimension = dimension
        self.embedded: list[str] = []

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        self.embedded.extend(texts)
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, dtype=np.float32)

    def encode_queries(self, texts):
        return self.encode_passages(texts)


def make_chunk(i: int, text: str | None = None, letter: str = "brief-a") -> Chunk:
    text = text if text is not None else f"Dit is passage nummer {i} over drugsbeleid."
    return Chunk(
        chunk_id=f"{letter}#{i}",
        letter_id=letter,
        title=f"Titel {letter}",
        date="2023-06-01",
        kamerstuk="29 911, nr. 1",
        pages=(1 + i // 3, 2 + i // 3),
        section="1. Inleiding",
        start=i * 100,
        end=i * 100 + len(text),
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


CHUNKS = [make_chunk(i) for i in range(7)]


HASHES = {"brief-a": "a" * 64}


def build(chunks, tmp_path: Path, embedder=None, **kw) -> tuple:
    embedder = embedder or CountingEmbedder()
    params = dict(chunker_version="c1", corpus_hashes=HASHES)
    params.update(kw)
    stats = build_index(chunks, embedder, tmp_path, **params)
    return stats, embedder


def load(tmp_path: Path, **kw):
    params = dict(embedder_id="fake/counting", dimension=DIM)
    params.update(kw)
    return load_index(tmp_path, **params)


# ---- the search tests: a bag-of-words embedder and a retriever over three letters

class BagOfWordsEmbedder:
    """Deterministic hashed bag-of-stems vectors: texts sharing words are close.
    Good enough to exercise the retriever's plumbing without a model."""

    model_id = "fake/bow"
    dimension = 64

    def __init__(self):
        self.queries: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for tok in tokenize(text) or ["leeg"]:
            v[int(hashlib.md5(tok.encode()).hexdigest(), 16) % self.dimension] += 1.0
        v += 0.01  # never all-zero
        return v / np.linalg.norm(v)

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return np.stack([self._vec(t) for t in texts])

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return np.stack([self._vec(t) for t in texts])


TEXTS = {
    "alpha": [
        ("2022-03-01", "De haven van Rotterdam is een knooppunt voor cocaïnesmokkel uit Zuid-Amerika."),
        ("2022-03-01", "Containers worden gescand door de douane in de haven."),
        ("2022-03-01", "Het kabinet investeert in weerbaarheid van logistieke bedrijven."),
    ],
    "beta": [
        ("2024-06-15", "Het verbod op designerdrugs gaat in op 1 juli 2025."),
        ("2024-06-15", "Nieuwe psychoactieve stoffen worden sneller op de lijst gezet."),
        ("2024-06-15", "Gemeenten krijgen meer middelen voor preventie onder jongeren."),
    ],
    "gamma": [
        ("", "Criminele geldstromen worden aangepakt met ondergrondse bankiers als doelwit."),
        ("", "Cocaïne wordt geproduceerd in Colombia, Peru en Bolivia."),
    ],
}


def fake_chunks() -> list[Chunk]:
    out = []
    for letter, items in TEXTS.items():
        for i, (date, text) in enumerate(items):
            out.append(
                Chunk(
                    chunk_id=f"{letter}#{i}", letter_id=letter, title=f"Brief {letter}",
                    date=date, kamerstuk="", pages=(i + 1,), section="", start=0,
                    end=len(text), text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
    return out


@lru_cache(maxsize=1)
def fake_index_dir() -> Path:
    # Not a fixture: the LangChain standard tests need it from a property.
    path = Path(tempfile.mkdtemp(prefix="rag-test-index-"))
    build_index(fake_chunks(), BagOfWordsEmbedder(), path, chunker_version="t", corpus_hashes={})
    return path


def fake_retriever(**settings) -> Retriever:
    emb = BagOfWordsEmbedder()
    loaded = load_index(fake_index_dir(), embedder_id=emb.model_id, dimension=emb.dimension)
    return Retriever(loaded, emb, Settings(**{"candidates": 5, "k": 3, **settings}))


# ---- the answer tests: hashed bag-of-words passages and an extractive answerer

BOW_DIM = 512


def bow(text: str) -> np.ndarray:
    """Hashed bag of stems, L2-normalised: cosine = shared-word overlap."""
    v = np.zeros(BOW_DIM, dtype=np.float32)
    for t in tokenize(text):
        v[zlib.crc32(t.encode()) % BOW_DIM] += 1.0
    n = np.linalg.norm(v)
    return v / n if n else v


def chunk(cid: str, text: str, letter: str = "brief-a", start: int = 0, title: str = "Voortgangsbrief") -> Chunk:
    return Chunk(chunk_id=cid, letter_id=letter, title=title, date="", kamerstuk="", pages=(1,), section="",
                 start=start, end=start + len(text), text=text, answer_spans=answer_spans(text, []))


def passages(*chunks: Chunk, question: str) -> list[Passage]:
    q = bow(question)
    return [Passage(c, i, 1.0, dense_score=float(bow(c.text) @ q)) for i, c in enumerate(chunks, start=1)]


# Loose numbers for a bag-of-words encoder (its cosines are not e5's).
CAL = Calibration(topic=0.0, answer=0.0, topic_dense_nl=0.0, topic_dense_en=0.0, off_topic_margin=-1.0,
                  off_topic_oov=1.01, gap_strength=1.01, dense_match=1.01, rare_df=0.34)


def answerer(corpus: list[Chunk], background: list[str] = (), cal: Calibration = CAL,
             chunks: list[Chunk] = (), letters: dict | None = None,
             letter_texts: dict | None = None) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(
        encode_query=bow,
        sentence_vectors=lambda ss: np.stack([bow(s) for s in ss]) if ss else np.zeros((0, BOW_DIM), np.float32),
        tokenize=tokenize,
        idf=idf_table([tokenize(c.text) for c in corpus]),
        documents=[c.text for c in corpus],
        background=np.stack([bow(b) for b in background]) if background else None,
        calibration=cal,
        chunks=chunks,
        letters=letters,
        letter_texts=letter_texts,
    )


# ---- the ingest tests: a minimal PDF

def make_pdf(text: str) -> bytes:
    """A minimal one-page PDF with a text layer (no PDF library needed)."""
    lines = [text[i : i + 80] for i in range(0, len(text), 80)]
    ops = "BT /F1 10 Tf 40 800 Td 12 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    ) + " ET"
    stream = ops.encode("latin-1", "replace")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out
