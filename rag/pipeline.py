"""The visible pipeline, wired once:

    corpus (ingest) -> clean -> chunk -> embed/index -> retrieve -> answer

`Pipeline.load` prepares the embedder, checks the index against the corpus
(rebuilding a stale one, refusing a mismatched one with a message) and keeps
everything in memory, so `ask` costs one query encoding plus arithmetic.
The CLI, the eval harness and the Streamlit app all go through this class.
"""
from __future__ import annotations

import copy
import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from . import corpus
from . import texts as T
from .answer import ExtractiveAnswerer, idf_table
from .chunk import embedding_text
from .config import GENERATORS, Settings, load_settings
from .errors import InputError
from .index import MissingIndex, StaleIndex, build_index, cache_file_name, load_index, load_vector_cache, save_vector_cache
from .question import is_english, leans_on_previous
from .records import Answer, Letter, Passage

Progress = Callable[[str, float | None], None]
log = logging.getLogger(__name__)


def _quiet(message: str, fraction: float | None = None) -> None:
    pass


def _sentence_key(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:20]


class SentenceVectors:
    """Embeddings of every answer-candidate sentence, computed at index time
    and cached on disk by content, so answering needs no encoder call beyond
    the question."""

    def __init__(self, embedder, path: Path):
        self.embedder = embedder
        self.path = path
        self.vectors: dict[str, np.ndarray] = load_vector_cache(path, embedder.model_id, embedder.dimension)

    def ensure(self, sentences: Sequence[str], progress: Progress = _quiet) -> int:
        missing = sorted({s for s in sentences if _sentence_key(s) not in self.vectors})
        if missing:
            progress(f"Zinnen inbedden voor extractieve antwoorden ({len(missing)})", None)
            vecs = self.embedder.encode_passages(missing, batch_size=64)
            for s, v in zip(missing, vecs):
                self.vectors[_sentence_key(s)] = v
            try:
                save_vector_cache(self.path, self.embedder.model_id, self.vectors, self.embedder.dimension)
            except OSError as exc:  # a read-only or full cache folder costs time next start, not this answer
                log.warning("Sentence-vector cache %s not written (%s); answering without it.", self.path, exc)
        return len(missing)

    def __call__(self, sentences: list[str]) -> np.ndarray:
        missing = [s for s in sentences if _sentence_key(s) not in self.vectors]
        if missing:  # e.g. a letter added by another process: encode on the fly
            for s, v in zip(missing, self.embedder.encode_passages(missing)):
                self.vectors[_sentence_key(s)] = v
        if not sentences:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([self.vectors[_sentence_key(s)] for s in sentences])


class _QueryMemo:
    """The embedder, remembering its last query vector: retrieval and the
    extractive answerer both need it, and encoding is most of the latency."""

    def __init__(self, embedder):
        self._embedder = embedder
        # Per thread: the app serves several sessions from one pipeline.
        self._local = threading.local()

    def encode_queries(self, texts: list[str], *args, **kw) -> np.ndarray:
        last = getattr(self._local, "last", None)
        if len(texts) == 1 and last and last[0] == texts[0]:
            return last[1]
        vecs = self._embedder.encode_queries(texts, *args, **kw)
        if len(texts) == 1:
            self._local.last = (texts[0], vecs)
        return vecs

    def __getattr__(self, name: str):
        return getattr(self._embedder, name)


class Pipeline:
    def __init__(self, settings: Settings, letters: list[Letter], embedder, index, progress: Progress = _quiet):
        from .answer import candidates
        from .retrieve import Retriever, tokenize

        embedder = embedder if isinstance(embedder, _QueryMemo) else _QueryMemo(embedder)
        self.settings = settings
        self.letters = letters
        self._chain = None
        self.embedder = embedder
        self.retriever = Retriever(index, embedder, settings)
        self.cleaned = {letter.letter_id: corpus.clean(letter, settings) for letter in letters}
        self.sentences = SentenceVectors(
            embedder, settings.cache_dir / "sentences" / cache_file_name(embedder.model_id, embedder.dimension))
        all_passages = [Passage(c, 0, 0.0) for c in index.chunks]
        background = load_background()
        self.sentences.ensure([c.text for c in candidates(all_passages)] + background, progress)
        self.tokenize = tokenize
        self.page_starts = page_starts = {
            lid: {n: off for n, off in enumerate(ct.page_starts, start=1)} for lid, ct in self.cleaned.items()
        }
        self.extractive = ExtractiveAnswerer(
            encode_query=lambda q: embedder.encode_queries([q])[0],
            sentence_vectors=self.sentences,
            tokenize=tokenize,
            idf=idf_table([tokenize(embedding_text(c)) for c in index.chunks]),
            documents=[embedding_text(c) for c in index.chunks],
            letter_context={x.letter_id: letter_context(x, self.cleaned[x.letter_id]) for x in letters},
            background=self.sentences(background),
            calibration=settings.calibration,
            page_starts=page_starts,
            chunks=index.chunks,
        )

    # ------------------------------------------------------------------ load
    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: Progress = _quiet, rebuild: bool = False) -> "Pipeline":
        """Ready to answer. A missing or stale index is built; with rebuild=True
        it is (re)built in any case (only new chunks are embedded)."""
        from .embed import get_embedder

        settings = settings or load_settings()
        letters = corpus.load_letters(settings)
        progress(f"Embedder laden ({settings.embedder})", None)
        embedder = get_embedder(settings)
        if rebuild:
            index = cls._build(settings, letters, embedder, progress)
        else:
            index = cls._load_or_build(settings, letters, embedder, progress)
        return cls(settings, letters, embedder, index, progress)

    @staticmethod
    def _load_or_build(settings: Settings, letters: list[Letter], embedder, progress: Progress):
        hashes = corpus.corpus_hashes(letters)
        try:
            return load_index(settings.index_dir, embedder_id=embedder.model_id, dimension=embedder.dimension,
                              chunker_version=corpus.chunker_version(settings), corpus_hashes=hashes,
                              key=settings.index_key)
        except StaleIndex as exc:
            progress(f"Index verouderd ({'; '.join(exc.reasons)}): opnieuw opbouwen", None)
        except MissingIndex:
            # Corrupted or built with another embedder is not caught: the
            # message says what to run.
            progress("Nog geen index: opbouwen", None)
        return Pipeline._build(settings, letters, embedder, progress)

    @staticmethod
    def _build(settings: Settings, letters: list[Letter], embedder, progress: Progress):
        chunks = corpus.chunk_corpus(settings, letters)
        progress(f"{len(chunks)} passages uit {len(letters)} brieven", None)
        build_index(
            chunks, embedder, settings.index_dir,
            chunker_version=corpus.chunker_version(settings), corpus_hashes=corpus.corpus_hashes(letters),
            progress=lambda done, total: progress(f"Inbedden {done}/{total}", done / total if total else 1.0),
            key=settings.index_key,
        )
        return load_index(settings.index_dir, embedder_id=embedder.model_id, dimension=embedder.dimension,
                          key=settings.index_key)

    # ---------------------------------------------------------------- ingest
    def ingested(self, paths: Sequence[Path], progress: Progress = _quiet, **meta: Any) -> tuple["Pipeline", list[Letter]]:
        """A new Pipeline with these letters added and the index brought up to
        date; this one is left as it was, so it can keep answering while the
        new index is built (the app swaps the new one in when it is done). On
        any failure the letters this call added leave the corpus again and the
        previous index stays live (index writes are atomic)."""
        before = {x.letter_id for x in corpus.load_letters(self.settings)}
        added: list[Letter] = []
        try:
            added = [corpus.add_letter(Path(p), self.settings, **meta) for p in paths]
            letters = corpus.load_letters(self.settings)
            index = self._build(self.settings, letters, self.embedder, progress)
        except BaseException:
            # Corpus and index stay in step: letters this call added go again.
            for letter in added:
                if letter.letter_id not in before:
                    corpus.remove_letter(letter, self.settings)
            raise
        return Pipeline(self.settings, letters, self.embedder, index, progress), added

    def ingest(self, paths: Sequence[Path], progress: Progress = _quiet, **meta: Any) -> list[Letter]:
        """`ingested`, then this Pipeline takes over the new state (CLI, tests)."""
        new, added = self.ingested(paths, progress, **meta)
        self.__dict__.update(new.__dict__)
        return added

    # ------------------------------------------------------------------ query
    def _check_question(self, question: str) -> str:
        from .retrieve import check_question

        return check_question(question, self.settings.max_question_chars)

    def retrieve(self, question: str, **kw: Any) -> list[Passage]:
        return self.retriever.search(self._check_question(question), **{k: v for k, v in kw.items() if v is not None})

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        letters: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        generator: str | None = None,
        qid: Any = None,
        on_delta: Callable[[str], None] | None = None,
        history: list[tuple[str, str]] | None = None,
    ) -> Answer:
        """Answer one question: the chain below, invoked once."""
        return self.chain.invoke(dict(
            question=question, k=k, mode=mode, letters=letters, date_from=date_from, date_to=date_to,
            generator=generator, qid=qid, on_delta=on_delta, history=history,
        ))

    @property
    def chain(self):
        """retrieve | answer as a LangChain Runnable: {"question", options...} -> Answer."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda

            self._chain = (RunnableLambda(self._retrieve_step, name="retrieve")
                           | RunnableLambda(self._answer_step, name="answer"))
        return self._chain

    def _retrieve_step(self, x: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        q = self._check_question(x["question"])
        generator = x.get("generator") or self.settings.generator
        if generator not in GENERATORS:
            raise InputError(f"Onbekende generator {generator!r}.", f"Kies uit: {', '.join(GENERATORS)}.")
        standalone = self.condense(x.get("history"), q, generator)
        mask = self.retriever.allowed_rows(x.get("letters"), x.get("date_from"), x.get("date_to"))
        if mask is not None and not mask.any():
            # The filter, not the letters, is why nothing can be found: say so.
            return {**x, "question": q, "standalone": standalone, "generator": generator, "passages": [],
                    "filtered_out": True, "t0": t0, "t1": time.perf_counter()}
        passages = self.retriever.search(
            standalone, k=x.get("k") or self.settings.k, mode=x.get("mode") or self.settings.mode,
            letters=x.get("letters"), date_from=x.get("date_from"), date_to=x.get("date_to"),
        )
        return {**x, "question": q, "standalone": standalone, "generator": generator, "passages": passages,
                "t0": t0, "t1": time.perf_counter()}

    def _answer_step(self, x: dict[str, Any]) -> Answer:
        passages, standalone, on_delta = x["passages"], x["standalone"], x.get("on_delta")
        if x.get("filtered_out"):
            english = is_english(x["question"])
            answer = Answer(question=x["question"], answer=T.filter_message(english), status=T.NOT_FOUND,
                            warnings=[T.filter_message(english)])
            if on_delta:
                on_delta(answer.answer)
        elif x["generator"] == "openai":
            answer = self._llm().answer(standalone, passages, on_delta=on_delta)
        else:
            answer = self.extractive.answer(standalone, passages)
            if on_delta:
                on_delta(answer.answer)
        t0, t1, t2 = x["t0"], x["t1"], time.perf_counter()
        answer.question = x["question"]
        answer.id = x.get("qid")
        answer.generator = x["generator"]
        # The answerer may add the passages a list was read on into.
        answer.passages = answer.passages or passages
        if standalone != x["question"]:
            answer.standalone_question = standalone
        answer.timings_ms = {"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000}
        return answer

    def with_settings(self, **changes: Any) -> "Pipeline":
        """The same loaded pipeline (embedder, index, answerer) with other
        per-call settings, e.g. one app session's LLM server; the original
        is not changed."""
        p = copy.copy(self)
        p.settings = self.settings.replace(**changes)
        p._chain = None  # the chain is bound to its pipeline's settings
        return p

    # ------------------------------------------------------- conversation
    def condense(self, history: list[tuple[str, str]] | None, question: str, generator: str | None = None) -> str:
        """A follow-up made standalone. With an LLM configured it rewrites;
        offline, a follow-up that leans on the previous turn ("daarvan",
        "En ...?") is searched together with the previous question."""
        if not history:
            return question
        if (generator or self.settings.generator) == "openai":
            return self._llm().condense(history, question)
        return condense_offline(history, question, self.tokenize)

    def _llm(self):
        from .llm import OpenAIGenerator

        return OpenAIGenerator(self.settings, page_starts=self.page_starts)

    def check_llm(self, settings: Settings | None = None) -> None:
        from .llm import OpenAIGenerator

        OpenAIGenerator(settings or self.settings).check()

    # ---------------------------------------------------------------- views
    def letter(self, letter_id: str) -> Letter:
        for letter in self.letters:
            if letter.letter_id == letter_id:
                return letter
        raise InputError(f"Onbekende brief {letter_id!r}.", f"Bekend: {', '.join(x.letter_id for x in self.letters)}.")

    def letter_text(self, letter_id: str) -> list[tuple[int, str]]:
        """(page number, cleaned text of that page) for reading a letter."""
        self.letter(letter_id)
        ct = self.cleaned[letter_id]
        bounds = list(ct.page_starts) + [len(ct.text)]
        return [(n, ct.text[a:b].strip()) for n, (a, b) in enumerate(zip(bounds, bounds[1:]), start=1)]


BACKGROUND = Path(__file__).resolve().parent / "data" / "background.txt"


def load_background(path: Path = BACKGROUND) -> list[str]:
    """Everyday subjects the answerer tells the letters' subject from."""
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def letter_context(letter: Letter, cleaned) -> str:
    """What a letter states about itself, as text an answer's context may be
    checked against: the manifest's minister, date and Kamerstuk, the
    addressee of a letter to parliament, and its letterhead and signature."""
    to_parliament = "Tweede Kamer" if letter.kind in ("kamerbrief", "beantwoording kamervragen") else ""
    furniture = " ".join(cleaned.text[a:b] for a, b, _ in cleaned.furniture)
    return " ".join(x for x in (letter.minister, letter.date, letter.kamerstuk, to_parliament, furniture) if x)


def condense_offline(history: list[tuple[str, str]], question: str, tokenize: Callable[[str], list[str]]) -> str:
    """A follow-up that leans on the previous turn ("Wanneer was dat?", "En
    hoeveel daarvan ...?") is searched together with the question it leans
    on; a question with its own subject is searched as itself."""
    if not history or len(question.split()) > 25:
        return question
    previous = " ".join(history[-1])
    if not leans_on_previous(question, len(set(tokenize(question))), previous, tokenize):
        return question
    return f"{history[-1][0]} {question}"


__all__ = ["Pipeline", "condense_offline"]
