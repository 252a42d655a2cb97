"""What a store supplies to the one retriever (rag.search.retrieve): its two
rankings of the chunks of one version and the scores of chosen rows.

    Rankers.open(question) -> Ranking:   dense(n), lexical(n), scores(rows)

Filters, fusion and Passages are the retriever's, the same for every store;
a store only ranks rows (row i is the version's chunk i), inside what the
filters allow (`Where`). The file index ranks in memory (`FileRankers`:
FAISS and bm25s); the Postgres store in SQL (rag.store.pgstore.PgRankers). A new
store writes one class with `open`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import faiss
import numpy as np

from rag.config import SearchOptions
from rag.filters import Scope


@dataclass(frozen=True)
class Where:
    """The rows a search may rank, in both forms a store can use: `mask`
    (None: every row) for one that holds its rows in memory; the scope's
    letters and the options' dates for one that filters where its rows are."""

    mask: np.ndarray | None
    scope: Scope
    options: SearchOptions

    @property
    def filtered_out(self) -> bool:
        """The filters leave no row to search."""
        return self.mask is not None and not self.mask.any()


@dataclass(frozen=True)
class Terms:
    """The question's lexical query: its tokens in order (a Dutch question,
    repeats kept: BM25 counts a repeated query token once per occurrence),
    or the weighted Dutch tokens an English question stands for."""

    tokens: tuple[str, ...]
    weights: Mapping[str, float] | None = None

    def counts(self) -> dict[str, float]:
        """{token: weight}: an English question's weights, else how often each token occurs."""
        if self.weights is not None:
            return dict(self.weights)
        return {t: float(n) for t, n in Counter(self.tokens).items()}


@dataclass(frozen=True)
class Question:
    """One question as the rankers see it: its unit query vector, its
    lexical terms and the rows it may rank."""

    vector: np.ndarray
    terms: Terms
    where: Where


class Ranking(Protocol):
    def dense(self, n: int) -> list[int]:
        """Rows of the n nearest chunks by inner product, best first."""

    def lexical(self, n: int) -> list[int]:
        """Rows with a positive BM25 score, best first, at most n: a chunk
        sharing no term with the question is no candidate."""

    def scores(self, rows: Sequence[int]) -> tuple[list[float], list[float]]:
        """(cosine, BM25 score) of each of `rows`, in their order."""


class Rankers(Protocol):
    def open(self, question: Question):  # -> ContextManager[Ranking]
        """A Ranking of one question (a context: a store may hold a
        connection for its few queries)."""


def is_ann(index: faiss.Index) -> bool:
    """An approximate (IVF) FAISS index, searched with nprobe cells."""
    return isinstance(index, faiss.IndexIVF)


# On an approximate (IVF) index a filter leaving fewer rows than this (or
# than this share of all rows) is searched exactly: scoring 20k rows costs
# ~2 ms, and the nearest cells may hold few or none of the allowed rows.
EXACT_FILTER_ROWS = 20_000
EXACT_FILTER_SHARE = 0.1


class FileRankers:
    """The file index's rankers: FAISS (exact, or IVF for large corpora)
    and bm25s, over the vectors and BM25 index read into memory."""

    def __init__(self, faiss_index: faiss.Index, vectors: np.ndarray, bm25: Any):
        self.faiss = faiss_index
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.bm25 = bm25  # None for an empty corpus
        self.vocab: Mapping[str, int] = bm25.vocab_dict if bm25 is not None else {}

    @contextmanager
    def open(self, question: Question) -> Iterator["_FileRanking"]:
        yield _FileRanking(self, question)


class _FileRanking:
    def __init__(self, rankers: FileRankers, question: Question):
        self.r = rankers
        self.q = question
        # One BM25 pass per question: it ranks and it scores the passages.
        self.bm25 = self._bm25_scores()

    def _bm25_scores(self) -> np.ndarray:
        terms, r = self.q.terms, self.r
        n = len(r.vectors)
        tokens = list(terms.tokens) if terms.weights is None else [t for t in terms.weights if t in r.vocab]
        if r.bm25 is None or not tokens:
            return np.zeros(n, dtype=np.float32)
        if terms.weights is None:
            return np.asarray(r.bm25.get_scores(tokens), dtype=np.float32)
        # A weighted query: each token's scores times its weight (bm25s
        # scores a list of tokens, so one token at a time).
        scores = np.zeros(n, dtype=np.float32)
        for t in tokens:
            scores += np.float32(terms.weights[t]) * np.asarray(r.bm25.get_scores([t]), dtype=np.float32)
        return scores

    def dense(self, n: int) -> list[int]:
        """On an IVF index the search is approximate; a filter that leaves
        few rows, or a filtered search that finds fewer than asked, is
        answered exactly."""
        index, qvec, mask = self.r.faiss, self.q.vector, self.q.where.mask
        approximate = is_ann(index)
        allowed = None if mask is None else np.flatnonzero(mask).astype(np.int64)
        want = min(n, index.ntotal if allowed is None else len(allowed))
        if approximate and allowed is not None and len(allowed) < max(EXACT_FILTER_ROWS,
                                                                      EXACT_FILTER_SHARE * len(mask)):
            return self._exact(want, allowed)
        sel = None if allowed is None else faiss.IDSelectorBatch(allowed)
        params = (faiss.SearchParametersIVF(sel=sel, nprobe=index.nprobe) if approximate
                  else faiss.SearchParameters(sel=sel) if sel is not None else None)
        _, idx = index.search(qvec[None, :], want, params=params)
        rows = [int(i) for i in idx[0] if i >= 0]
        if approximate and len(rows) < want:
            return self._exact(want, allowed)
        return rows

    def _exact(self, n: int, rows: np.ndarray | None) -> list[int]:
        """Exact top n by inner product over `rows` (None: all), best first, ties by row."""
        vectors, qvec = self.r.vectors, self.q.vector
        if rows is None:
            rows = np.arange(len(vectors), dtype=np.int64)
        scores = vectors[rows] @ qvec if len(rows) <= EXACT_FILTER_ROWS else (vectors @ qvec)[rows]
        top = np.argpartition(-scores, n - 1)[:n] if 0 < n < len(rows) else np.arange(len(rows))
        order = top[np.lexsort((rows[top], -scores[top]))]
        return [int(rows[i]) for i in order[:n]]

    def lexical(self, n: int) -> list[int]:
        mask = self.q.where.mask
        s = self.bm25 if mask is None else np.where(mask, self.bm25, 0.0)
        rows = np.flatnonzero(s > 0)
        order = rows[np.lexsort((rows, -s[rows]))]
        return [int(i) for i in order[:n]]

    def scores(self, rows: Sequence[int]) -> tuple[list[float], list[float]]:
        rows = list(rows)
        cosines = self.r.vectors[rows] @ self.q.vector if rows else np.zeros(0, np.float32)
        return [float(c) for c in cosines], [float(self.bm25[r]) for r in rows]
