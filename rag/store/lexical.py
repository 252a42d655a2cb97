"""The lexical side of the index: BM25 over the chunks and the idf table the
answerer weighs question words by, both from the same tokens
(rag.textnl.tokenize of rag.ingest.chunk.embedding_text, what the embedder saw).

Made once by the build and stored in the index version (bm25s's own save
format, flat files named BM25_FILES, plus IDF_FILE), so a load reads arrays
instead of stemming every chunk again: at 5,000 letters that was minutes of
app start. An index held only in memory (tests, the Postgres store's
in-process masks) computes them with the same functions.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Mapping, Sequence

import bm25s

from rag.ingest.chunk import embedding_text
from rag.records import Chunk
from rag.textnl import tokenize

# bm25s.BM25.save/load file-name arguments -> the file in the version folder.
BM25_FILES = {
    "data_name": "bm25.data.npy",
    "indices_name": "bm25.indices.npy",
    "indptr_name": "bm25.indptr.npy",
    "vocab_name": "bm25.vocab.json",
    "params_name": "bm25.params.json",
    "nnoc_name": "bm25.nnoc.npy",
}
IDF_FILE = "idf.json"


def chunk_tokens(chunks: Sequence[Chunk]) -> list[list[str]]:
    """Same text the embedder saw: title and section help term matching too."""
    return [tokenize(embedding_text(c)) for c in chunks]


def idf_table(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    """BM25-style idf over chunks, so rare words (a project's name) count more than
    common ones ("aanpak") in sentence coverage."""
    df: dict[str, int] = {}
    for toks in token_lists:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    return idf_from_df(df, len(token_lists))


def idf_from_df(df: Mapping[str, int], n: int) -> dict[str, float]:
    """The idf of each token from its document frequency among n chunks (also
    what the Postgres store keeps, rag_term_df)."""
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def build_bm25(tokens: Sequence[Sequence[str]]) -> bm25s.BM25 | None:
    """A bm25s index over token lists (None for an empty corpus)."""
    corpus = [list(t) or ["\x00"] for t in tokens]
    if not corpus:
        return None
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    return bm25


def write(folder: Path, chunks: Sequence[Chunk]) -> list[str]:
    """BM25 and idf of these chunks into `folder`; returns the file names."""
    tokens = chunk_tokens(chunks)
    bm25 = build_bm25(tokens)
    names = [IDF_FILE]
    (folder / IDF_FILE).write_text(json.dumps(idf_table(tokens), ensure_ascii=False), encoding="utf-8")
    if bm25 is not None:
        bm25.save(str(folder), show_progress=False, **BM25_FILES)
        names += [f for f in BM25_FILES.values() if (folder / f).exists()]
    return names


def read(folder: Path, files: Sequence[str]) -> tuple[bm25s.BM25 | None, dict[str, float]]:
    """What `write` stored (`files`: the names the manifest lists)."""
    idf = {str(k): float(v) for k, v in json.loads((folder / IDF_FILE).read_text(encoding="utf-8")).items()}
    if BM25_FILES["data_name"] not in files:
        return None, idf
    return bm25s.BM25.load(str(folder), show_progress=False, **BM25_FILES), idf
