"""Hybrid retrieval: BM25 (Dutch stemming) + dense (FAISS), fused with RRF.

Pieces, each testable alone:
  tokenize()        pure: text -> BM25 tokens (rag.textnl)
  expand()          pure: an English question -> weighted Dutch BM25 tokens (rag.search.english)
  rrf()             pure: rankings -> fused scores
  Retriever         one for every store: filters, fusion and Passages over the
                    store's rankings (rag.store.rankers), set up once per index load
  LetterRetriever   LangChain BaseRetriever over a Retriever

Filters (letters, dossiers, document types, dates) restrict the candidate
set *before* ranking, so a filtered search returns the best k passages of the
allowed letters, not what survives of an unfiltered top k. Dossier and type
filters are resolved into letter ids (`Retriever.scope`, rag.filters), which
the letter filter applies, the same for every store. Chunks
with an empty date are excluded as soon as a date filter is set (an unknown
date can't be shown to be in range) unless the options keep them
(`keep_undated`); `scope` counts the letters left out that way.
"""
from __future__ import annotations

import copy
import functools
from typing import Any, Callable, Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.search import english
from rag import texts as T
from rag.config import Mode, SearchOptions, Settings
from rag.errors import IndexStateError, InputError
from rag.filters import Facets, Scope
from rag.store.index import LoadedIndex
from rag.store.rankers import Question, Terms, Where
from rag.records import Chunk, Letter, Passage
from rag.search.question import check_question, is_english, without_attribution
from rag.textnl import tokenize


def rrf(rankings: Sequence[Sequence[str]], k: int, prefer: int | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank).

    rank is 1-based. Ties are broken by the best single rank, then (with
    `prefer`) by the rank in rankings[prefer], then by id, so the order is
    deterministic. Duplicates within one ranking count once (at their best
    rank).
    """
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranking in rankings:
        seen: set[str] = set()
        for rank, doc_id in enumerate(ranking, 1):
            if doc_id in seen:
                continue
            seen.add(doc_id)
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
            best[doc_id] = min(best.get(doc_id, rank), rank)
    preferred: dict[str, int] = {}
    if prefer is not None:
        for rank, doc_id in enumerate(rankings[prefer], 1):
            preferred.setdefault(doc_id, rank)
    last = max((len(r) for r in rankings), default=0) + 1
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], preferred.get(item[0], last), item[0]))


FOOTNOTE_WEIGHT = 0.5


def fuse_hybrid(dense: Sequence[str], lexical: Sequence[str], kind: Callable[[str], str],
                rrf_k: int, english: bool = False) -> list[tuple[str, float]]:
    """The hybrid ranking of every store: RRF of the dense and lexical
    rankings (chunk ids, best first), best first. Footnotes stay findable,
    but a reference ranks below the body text that says the same. Two
    passages tied (first and second in opposite rankings) are ordered by
    the ranking that is the better guide for the question's language: BM25
    for a Dutch question, which matches the letters' own words; the dense
    ranking for an English one, whose BM25 words are translations (eval:
    Dutch hit@1 0.85 BM25-only vs 0.77 dense-only, English 0.52 vs 0.59)."""
    fused = rrf([dense, lexical], rrf_k, prefer=0 if english else 1)
    return sorted(((cid, score * (FOOTNOTE_WEIGHT if kind(cid) == "footnote" else 1.0)) for cid, score in fused),
                  key=lambda x: -x[1])


class Retriever:
    """Searches one loaded index. Build once, search many times.

    Everything per-index (BM25, letter masks, dates) is computed here, so a
    warm search is query encoding + a few ms of scoring.
    """

    def __init__(self, index: LoadedIndex, embedder: Any, settings: Settings, letters: Sequence[Letter] = ()):
        """`letters`: the records of the indexed letters, for the dossier and
        type filters (without them those filters know no values)."""
        if index.manifest.embedder_id != embedder.model_id:
            raise IndexStateError(
                f"The index was built with embedder {index.manifest.embedder_id!r}, "
                f"but the configured embedder is {embedder.model_id!r}.",
                T.REBUILD_INDEX,
            )
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.chunks: list[Chunk] = list(index.chunks)
        self._ids = [c.chunk_id for c in self.chunks]
        self._row = {cid: i for i, cid in enumerate(self._ids)}
        # The store's own rankings (rag.store.rankers); everything else is here.
        self.rankers = index.rankers()
        # Rows per letter, not a mask per letter: masks take letters x chunks
        # bytes, 1 GB at 5,000 letters (bench/bench_scale.py).
        rows: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            rows.setdefault(c.letter_id, []).append(i)
        self._letter_rows = {lid: np.array(r, dtype=np.int64) for lid, r in rows.items()}
        self._dates = np.array([c.date for c in self.chunks], dtype=str)
        # Every chunk carries its letter's date, so a letter is undated when its chunks are.
        self._undated = frozenset(c.letter_id for c in self.chunks if not c.date)
        self.facets = Facets.of(letters)
        # The idf the answerer weighs question words by comes with the index.
        self.idf = index.idf

    @functools.cached_property
    def vocabulary(self) -> english.Vocabulary:
        """The index's tokens, which an English question's translations must be among."""
        return english.Vocabulary(self.idf)

    def english_terms(self, query: str) -> dict[str, float] | None:
        """An English question's BM25 query, {Dutch token: weight}
        (rag.search.english.expand); None for a Dutch one, which is searched by its
        own tokens as it always was, or when the expansion is off."""
        if not self.settings.expand_english or not is_english(query):
            return None
        return english.expand(query, english.load_lexicon(self.settings.freedict_dir), self.vocabulary)

    def with_settings(self, settings: Settings) -> "Retriever":
        """This retriever (index, BM25, masks shared) searching with other
        settings (candidates, rrf_k, defaults); this one is not changed."""
        other = copy.copy(self)
        other.settings = settings
        return other

    @property
    def letter_ids(self) -> list[str]:
        return sorted(self._letter_rows)

    # ------------------------------------------------------------------ filters

    def scope(self, options: SearchOptions) -> Scope:
        """The letters the letter, dossier and type filters leave (one set,
        applied as a letter filter), and how many letters the filters left
        out: for stating no date under a date filter, and by dossier/type.
        Unknown letter ids, dossiers or types are an InputError naming the
        known ones."""
        letters: frozenset[str] | None = None
        if options.letters is not None:
            unknown = sorted(set(options.letters) - set(self._letter_rows))
            if unknown:
                raise InputError(
                    f"Onbekende brief-id(s): {T.first_of(unknown)}.",
                    f"Bekende brief-ids: {T.first_of(self.letter_ids)} (zie `.venv/bin/python -m rag letters`).",
                )
            letters = frozenset(options.letters)
        by_metadata = considered = 0
        chosen = self.facets.letters_for(options.dossiers, options.kinds)
        if chosen is not None:
            before = letters if letters is not None else frozenset(self._letter_rows)
            letters = before & chosen
            considered, by_metadata = len(before), len(before - chosen)
        undated = 0
        if options.dated and not options.keep_undated:
            undated = len(self._undated if letters is None else self._undated & letters)
        which = tuple(name for name, values in (("dossier", options.dossiers), ("soort", options.kinds))
                      if values is not None)
        return Scope(letters, undated, by_metadata, considered, which)

    def allowed_rows(self, options: SearchOptions, scope: Scope | None = None) -> np.ndarray | None:
        """Boolean mask of the rows the options' filters allow, or None when
        nothing is filtered (`scope`: the options' scope, when already made)."""
        scope = scope or self.scope(options)
        mask: np.ndarray | None = None
        if scope.letters is not None:
            mask = np.zeros(len(self.chunks), dtype=bool)
            for letter in scope.letters:
                if letter in self._letter_rows:  # a letter with no text has no rows
                    mask[self._letter_rows[letter]] = True
        if options.dated:
            lo, hi = options.date_range()
            dated = (self._dates != "") & (self._dates >= lo) & (self._dates <= hi)
            if options.keep_undated:
                dated |= self._dates == ""
            mask = dated if mask is None else mask & dated
        return mask

    # ------------------------------------------------------------------ search

    @staticmethod
    def tokens(query: str) -> tuple[str, ...]:
        """The question's tokens, as the index's BM25 side has its chunks',
        without the document it cites as its source (question.without_attribution)."""
        return tuple(tokenize(without_attribution(query)))

    def terms(self, query: str, tokens: tuple[str, ...] | None = None) -> Terms:
        """The question's lexical query (rag.store.rankers.Terms); `tokens`:
        its tokens when the caller has made them (`tokens`)."""
        weights = self.english_terms(query)
        if weights is not None:
            return Terms(tuple(weights), weights)
        return Terms(self.tokens(query) if tokens is None else tokens)

    def search(self, query: str, options: SearchOptions | None = None, **changes: Any) -> list[Passage]:
        """Top-k passages for the options (default: the settings' k and mode;
        `changes` adjust single fields, e.g. `search(q, k=3)`). score is the
        fused RRF score (hybrid), the cosine (dense) or the BM25 score (bm25);
        dense_score and bm25_score are always filled, so callers can judge
        evidence strength in any mode. The store ranks (rag.store.rankers); the
        filters, the fusion and the Passages are the same for every store."""
        options = (options or self.settings.search_options()).replace(**changes)
        return self.find(check_question(query, self.settings.max_question_chars), self.where(options))

    def where(self, options: SearchOptions) -> Where:
        """The rows the options' filters allow, as the rankers take them
        (unknown letters, dossiers or types raise here)."""
        scope = self.scope(options)
        return Where(self.allowed_rows(options, scope), scope, options)

    def encode(self, query: str) -> np.ndarray:
        """The question's vector as the embedder gives it (the pipeline
        hands it on to the answerer, so it is encoded once)."""
        return np.asarray(self.embedder.encode_queries([query]), dtype=np.float32).reshape(-1)

    def find(self, query: str, where: Where, vector: np.ndarray | None = None,
             tokens: tuple[str, ...] | None = None) -> list[Passage]:
        """`search` for a question already checked, within `where` (`where()`
        of the options), with its vector (`encode`) and its tokens (`tokens`)
        when the caller has made them."""
        k, mode = where.options.k, where.options.mode
        if not self.chunks or where.filtered_out:
            return []

        n = max(self.settings.candidates, k)
        qvec = self._unit(self.encode(query) if vector is None else vector)
        question = Question(qvec, self.terms(query, tokens), where)
        with self.rankers.open(question) as ranking:
            if mode == Mode.DENSE:
                ranked = [(r, None) for r in ranking.dense(k)]
            elif mode == Mode.BM25:
                ranked = [(r, None) for r in ranking.lexical(k)]
            else:
                fused = fuse_hybrid([self._ids[r] for r in ranking.dense(n)],
                                    [self._ids[r] for r in ranking.lexical(n)],
                                    lambda cid: self.chunks[self._row[cid]].kind, self.settings.rrf_k,
                                    english=is_english(query))
                ranked = [(self._row[cid], score) for cid, score in fused[:k]]
            cosines, bm25 = ranking.scores([r for r, _ in ranked])
        passages = []
        for rank, ((row, fused_score), cos, lex) in enumerate(zip(ranked, cosines, bm25), 1):
            score = {Mode.HYBRID: fused_score, Mode.DENSE: cos, Mode.BM25: lex}[mode]
            passages.append(Passage(chunk=self.chunks[row], rank=rank, score=float(score),
                                    dense_score=float(cos), bm25_score=float(lex)))
        return passages

    def _unit(self, vec: np.ndarray) -> np.ndarray:
        vec = np.asarray(vec, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.index.manifest.dimension:
            raise IndexStateError(
                f"The embedder returned {vec.shape[0]}-dimensional query vectors; "
                f"the index has {self.index.manifest.dimension}.",
                T.REBUILD_INDEX,
            )
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else vec


# --------------------------------------------------------------------------- LangChain


def passage_to_document(p: Passage) -> Document:
    c = p.chunk
    return Document(
        page_content=c.text,
        metadata={
            "chunk_id": c.chunk_id,
            "letter_id": c.letter_id,
            "title": c.title,
            "page": c.page,
            "pages": list(c.pages),
            "kamerstuk": c.kamerstuk,
            "date": c.date,
            "section": c.section,
            "score": p.score,
            "rank": p.rank,
        },
    )


class LetterRetriever(BaseRetriever):
    """LangChain retriever over the letters.

    `options` sets the defaults; single fields can be changed per call:
    `retriever.invoke("vraag", k=3, letters=["voortgangsbrief-2025"])`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    options: SearchOptions = SearchOptions()
    # LangChain's standard retriever parameter; when set it overrides options.k.
    k: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **changes: Any
    ) -> list[Document]:
        options = self.options.replace(k=self.k)
        return [passage_to_document(p) for p in self.retriever.search(query, options, **changes)]
