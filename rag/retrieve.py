"""Hybrid retrieval: BM25 (Dutch stemming) + dense (FAISS), fused with RRF.

Pieces, each testable alone:
  tokenize()        pure: text -> BM25 tokens (fold, split, stopwords, stem)
  rrf()             pure: rankings -> fused scores
  Retriever         holds the in-memory state built once per index load
  LetterRetriever   LangChain BaseRetriever over a Retriever

Filters (letters, dates) restrict the candidate set *before* ranking, so a
filtered search returns the best k passages of the allowed letters, not what
survives of an unfiltered top k. Chunks with an empty date are excluded as
soon as a date filter is set: an unknown date can't be shown to be in range.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

import bm25s
import faiss
import numpy as np
import Stemmer
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.chunk import embedding_text
from rag.config import MODES, Settings
from rag.errors import IndexStateError, InputError
from rag.index import LoadedIndex
from rag.records import Chunk, Passage
from rag.textnl import fold

# "dutch_porter" over Snowball "dutch": measured on plural/singular pairs common
# in these letters, Snowball "dutch" fails maatregelen/maatregel,
# verboden/verbod and criminelen/crimineel (and turns gemeente into "meen");
# Porter fails fewer words that matter here (see tests/test_retrieve.py).
STEMMER_ALGORITHM = "dutch_porter"

# Function words, auxiliaries and question words. Question words are in the
# list because queries are questions and letters are not: "welke", "hoe" only
# add noise to BM25. Content words frequent in this corpus (drugs, minister,
# kabinet) stay: BM25's IDF already damps them. Written diacritic-free, as
# tokens are folded before the lookup.
STOPWORDS_NL: frozenset[str] = frozenset(
    """
    aan af al alle alles als alsof altijd andere ben bij binnen boven daar daarom
    dan dat de der deze die dit doch doen door dus een eens en er ge geen geweest
    haar had hadden heb hebben hebt heeft hem hen het hier hij hoe hoewel hun ik in
    is ja je jij jou jouw jullie kan kon konden kunnen kunt maar me mij mijn men met
    moet moeten mocht na naar niet niets noch nog nu of om omdat ons onder ondanks
    ook op over reeds sinds te tegen toch toen tot u uit uw van veel voor want waren
    was wat we wel welk welke werd werden wie wij wil wilt worden wordt zal ze zei
    zelf zich zij zijn zo zonder zou zouden zullen waar waarom wanneer waarin waarop
    waarmee waarvan hierin hiervan hierbij daarbij daarin daarvan daarmee daarnaast
    tussen via per zoals iets iemand elk elke ieder iedere meer meest minder echter
    steeds zeer nadat terwijl hare zulke zulk dezelfde hetzelfde zodat opdat indien
    mits tenzij
    """.split()
)

_NUMBER_GROUP = re.compile(r"(?<=\d)\.(?=\d{3}(?!\d))")
_TOKEN = re.compile(r"\d+(?:,\d+)+|\w+")


def raw_tokens(text: str) -> list[str]:
    """Folded words and numbers, before stopwords and stemming.

    Thousands separators are removed so "96.676" and "96676" match; a decimal
    comma stays inside its token ("1,5"); section numbers like "2.3" split.
    """
    text = _NUMBER_GROUP.sub("", fold(text))
    return [t for t in _TOKEN.findall(text.replace("_", " ")) if len(t) > 1 or t.isdigit()]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_ALGORITHM)


def tokenize(text: str) -> list[str]:
    """BM25 tokens: folded, stopwords removed, words stemmed, numbers kept."""
    words = [t for t in raw_tokens(text) if t not in STOPWORDS_NL]
    stem = _stemmer().stemWord
    return [t if t[0].isdigit() else stem(t) for t in words]


def rrf(rankings: Sequence[Sequence[str]], k: int) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank).

    rank is 1-based. Ties are broken by the best single rank, then by id, so
    the order is deterministic. Duplicates within one ranking count once (at
    their best rank).
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
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], item[0]))


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bound(value: str, *, end: bool) -> str:
    """"2023" / "2023-05" / "2023-05-17" -> an ISO day, at the start or end of
    the period, so date_to="2023" includes all of 2023. InputError otherwise."""
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(
            f"Datum {value!r} wordt niet begrepen.",
            "Gebruik jjjj, jjjj-mm of jjjj-mm-dd, bijv. 2023-05-17.",
        )
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise InputError(f"Datum {value!r} bestaat niet.", "Gebruik jjjj, jjjj-mm of jjjj-mm-dd.")
    month = month or ("12" if end else "01")
    day = day or ("31" if end else "01")  # "-31" also bounds shorter months
    return f"{year}-{month}-{day}"


FOOTNOTE_WEIGHT = 0.5


def check_question(question: object, max_chars: int) -> str:
    """The question with whitespace folded, or an InputError saying what is
    wrong. One check for every entry point (pipeline, retriever, LangChain)."""
    q = " ".join(question.split()) if isinstance(question, str) else ""
    if not q:
        raise InputError("De vraag is leeg.", "Typ een vraag over de brieven.")
    if len(q) > max_chars:
        raise InputError(f"De vraag is te lang ({len(q)} tekens; maximaal {max_chars}).",
                         "Stel een kortere, concrete vraag.")
    if not re.search(r"\w", q):
        raise InputError("De vraag bevat geen woorden.")
    return q


@dataclass(frozen=True)
class _Ranked:
    rows: list[int]  # best first
    scores: np.ndarray  # score per row of the whole index (nan = not scored)


class Retriever:
    """Searches one loaded index. Build once, search many times.

    Everything per-index (BM25, letter masks, dates) is computed here, so a
    warm search is query encoding + a few ms of scoring.
    """

    def __init__(self, index: LoadedIndex, embedder: Any, settings: Settings):
        if index.manifest.embedder_id != embedder.model_id:
            raise IndexStateError(
                f"The index was built with embedder {index.manifest.embedder_id!r}, "
                f"but the configured embedder is {embedder.model_id!r}.",
                "Rebuild the index with `make ingest` (or `python -m rag ingest`).",
            )
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.chunks: list[Chunk] = list(index.chunks)
        self._ids = [c.chunk_id for c in self.chunks]
        self._row = {cid: i for i, cid in enumerate(self._ids)}
        self._vectors = np.ascontiguousarray(index.vectors, dtype=np.float32)
        self._faiss = index.faiss_index
        n = len(self.chunks)
        self._letter_mask: dict[str, np.ndarray] = {}
        for i, c in enumerate(self.chunks):
            self._letter_mask.setdefault(c.letter_id, np.zeros(n, dtype=bool))[i] = True
        self._dates = np.array([c.date for c in self.chunks], dtype=str)
        self._bm25 = self._build_bm25(self.chunks)

    @staticmethod
    def _build_bm25(chunks: Sequence[Chunk]) -> bm25s.BM25 | None:
        # Same text the embedder saw: title and section help term matching too.
        corpus = [tokenize(embedding_text(c)) or ["\x00"] for c in chunks]
        if not corpus:
            return None
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        return bm25

    @property
    def letter_ids(self) -> list[str]:
        return sorted(self._letter_mask)

    # ------------------------------------------------------------------ filters

    def allowed_rows(
        self,
        letters: Iterable[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> np.ndarray | None:
        """Boolean mask of searchable rows, or None when nothing is filtered."""
        mask: np.ndarray | None = None
        if letters is not None:
            letters = list(letters)
            unknown = sorted(set(letters) - set(self._letter_mask))
            if unknown:
                raise InputError(
                    f"Onbekende brief-id(s): {', '.join(unknown)}.",
                    f"Bekende brief-ids: {', '.join(self.letter_ids)} (zie `python -m rag letters`).",
                )
            mask = np.zeros(len(self.chunks), dtype=bool)
            for letter in letters:
                mask |= self._letter_mask[letter]
        if date_from or date_to:
            lo = date_bound(date_from, end=False) if date_from else "0000-00-00"
            hi = date_bound(date_to, end=True) if date_to else "9999-99-99"
            if lo > hi:
                raise InputError(f"Begindatum {date_from} ligt na einddatum {date_to}.", "Draai ze om.")
            dated = (self._dates != "") & (self._dates >= lo) & (self._dates <= hi)
            mask = dated if mask is None else mask & dated
        return mask

    # ------------------------------------------------------------------ rankers

    def _dense(self, qvec: np.ndarray, n: int, mask: np.ndarray | None) -> list[int]:
        if mask is None:
            _, idx = self._faiss.search(qvec[None, :], min(n, self._faiss.ntotal))
        else:
            allowed = np.flatnonzero(mask).astype(np.int64)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
            _, idx = self._faiss.search(qvec[None, :], min(n, len(allowed)), params=params)
        return [int(i) for i in idx[0] if i >= 0]

    def _bm25_scores(self, query: str) -> np.ndarray:
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    @staticmethod
    def _bm25_rank(scores: np.ndarray, n: int, mask: np.ndarray | None) -> list[int]:
        """Rows with a positive score, best first; a chunk sharing no term with
        the query is not a BM25 candidate at all."""
        s = scores if mask is None else np.where(mask, scores, 0.0)
        rows = np.flatnonzero(s > 0)
        order = rows[np.lexsort((rows, -s[rows]))]
        return [int(i) for i in order[:n]]

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        letters: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[Passage]:
        """Top-k passages. score is the fused RRF score (hybrid), the cosine
        (dense) or the BM25 score (bm25); dense_score and bm25_score are always
        filled, so callers can judge evidence strength in any mode."""
        k = self.settings.k if k is None else k
        mode = self.settings.mode if mode is None else mode
        if mode not in MODES:
            raise InputError(f"Onbekende zoekmethode (mode) {mode!r}.", f"Kies uit: {', '.join(MODES)}.")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InputError(f"k moet een positief geheel getal zijn, niet {k!r}.", "Bijvoorbeeld k=5.")
        query = check_question(query, self.settings.max_question_chars)

        mask = self.allowed_rows(letters, date_from, date_to)
        if not self.chunks or (mask is not None and not mask.any()):
            return []

        n = max(self.settings.candidates, k)
        qvec = self._encode_query(query)
        bm25 = self._bm25_scores(query)

        if mode == "dense":
            rows = self._dense(qvec, k, mask)
            ranked = [(r, None) for r in rows]
        elif mode == "bm25":
            ranked = [(r, None) for r in self._bm25_rank(bm25, k, mask)]
        else:
            fused = rrf(
                [
                    [self._ids[r] for r in self._dense(qvec, n, mask)],
                    [self._ids[r] for r in self._bm25_rank(bm25, n, mask)],
                ],
                self.settings.rrf_k,
            )
            # Footnotes stay findable, but a reference ranks below the body
            # text that says the same.
            fused = sorted(
                ((cid, score * (FOOTNOTE_WEIGHT if self.chunks[self._row[cid]].kind == "footnote" else 1.0))
                 for cid, score in fused),
                key=lambda x: -x[1],
            )
            ranked = [(self._row[cid], score) for cid, score in fused[:k]]

        rows = [r for r, _ in ranked]
        cosines = self._vectors[rows] @ qvec if rows else np.zeros(0, np.float32)
        passages = []
        for rank, ((row, fused_score), cos) in enumerate(zip(ranked, cosines), 1):
            score = {"hybrid": fused_score, "dense": float(cos), "bm25": float(bm25[row])}[mode]
            passages.append(
                Passage(
                    chunk=self.chunks[row],
                    rank=rank,
                    score=float(score),
                    dense_score=float(cos),
                    bm25_score=float(bm25[row]),
                )
            )
        return passages

    def _encode_query(self, query: str) -> np.ndarray:
        vec = np.asarray(self.embedder.encode_queries([query]), dtype=np.float32).reshape(-1)
        if vec.shape[0] != self._vectors.shape[1]:
            raise IndexStateError(
                f"The embedder returned {vec.shape[0]}-dimensional query vectors; "
                f"the index has {self._vectors.shape[1]}.",
                "Rebuild the index with `make ingest` (or `python -m rag ingest`).",
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

    `k`, `mode` and `letters` set defaults; each can be overridden per call:
    `retriever.invoke("vraag", k=3, letters=["voortgangsbrief-2025"])`.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = 5
    mode: str | None = None
    letters: list[str] | None = None
    date_from: str | None = None
    date_to: str | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        passages = self.retriever.search(
            query,
            k=kwargs.get("k", self.k),
            mode=kwargs.get("mode", self.mode),
            letters=kwargs.get("letters", self.letters),
            date_from=kwargs.get("date_from", self.date_from),
            date_to=kwargs.get("date_to", self.date_to),
        )
        return [passage_to_document(p) for p in passages]
