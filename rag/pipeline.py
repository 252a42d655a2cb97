"""The visible pipeline, wired once:

    corpus (ingest) -> clean -> chunk -> embed/index       rag.store.build, once per change
    Query -> search -> Retrieved -> answer -> Answer      Pipeline.ask, per question

A Pipeline answers questions and nothing else: it only loads what the
index holds (everything the question path needs is built into it), so `ask`
costs one query encoding plus arithmetic. Loading the store, adding letters,
following the live version and the letter views are rag.library.Library's,
which holds the Pipeline the CLI, the eval harness and the app ask.
"""
from __future__ import annotations

import copy
import logging
import time
from typing import Any

import numpy as np

from rag.answer import answerers
from rag.answer.answerers import Query, Retrieved
from rag import texts as T
from rag.answer.extractive import ExtractiveAnswerer
from rag.store.build import load_background
from rag.ingest.chunk import embedding_text
from rag.config import SearchOptions, Settings
from rag.fileutil import text_hash
from rag.store.index import LoadedIndex
from rag.search.question import check_question, is_english
from rag.records import Answer, Letter, OnDelta, Passage, Status
from rag.search.retrieve import Retriever

log = logging.getLogger(__name__)


class SentenceVectors:
    """The vectors of the quotable sentences, built into the index; a
    sentence the index lacks (a letter added by another process since) is
    encoded on the fly."""

    def __init__(self, embedder, vectors: dict[str, np.ndarray]):
        self.embedder = embedder
        self.vectors = dict(vectors)

    def __call__(self, sentences: list[str]) -> np.ndarray:
        missing = [s for s in sentences if text_hash(s) not in self.vectors]
        if missing:
            for s, v in zip(missing, self.embedder.encode_passages(missing)):
                self.vectors[text_hash(s)] = v
        if not sentences:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([self.vectors[text_hash(s)] for s in sentences])


# Short and long, Dutch and English, with a number, a year and a name: the
# shapes the question path prepares for on first use (Pipeline.warm_up).
WARM_UP_QUESTIONS = (
    "Wat doet het kabinet?",
    "Hoeveel extra geld gaat er in 2024 naar de aanpak van criminaliteit in de havens van Rotterdam?",
    "What does the minister say about international cooperation against drug trafficking and money laundering, "
    "and which countries and organisations are named as partners in the letters?",
    "Welke maatregelen noemt de minister, waarom zijn die nodig en wanneer worden de resultaten verwacht, "
    "volgens de brief aan de Tweede Kamer over de aanpak van georganiseerde, ondermijnende criminaliteit?",
)


class Pipeline:
    def __init__(self, settings: Settings, letters: list[Letter], embedder, index: LoadedIndex):
        """Only loads: everything it needs was built into `index` (rag.store.build)."""
        from rag.textnl import tokenize

        self.settings = settings
        # A Postgres store's version holds its own letters (also those
        # another process added); the store ranks, the retriever is one.
        self.letters = index.letters_of(letters)
        self.index = index
        self._chain = None
        self.embedder = embedder
        # The letters' records go with it: the dossier and type filters.
        self.retriever = Retriever(index, embedder, settings, self.letters)
        self.sentences = SentenceVectors(embedder, index.sentence_vectors)
        self.page_starts = {lid: x.page_offsets() for lid, x in index.letters.items()}
        self.extractive = ExtractiveAnswerer(
            encode_query=lambda q: embedder.encode_queries([q])[0],
            sentence_vectors=self.sentences,
            tokenize=tokenize,
            idf=self.retriever.idf,
            documents=[embedding_text(c) for c in index.chunks],
            letter_context={lid: x.context for lid, x in index.letters.items()},
            background=self.sentences(load_background()),
            calibration=settings.calibration,
            page_starts=self.page_starts,
            chunks=index.chunks,
            english_terms=self.retriever.english_terms,
            letters={x.letter_id: x for x in self.letters},
            letter_texts={lid: x.text for lid, x in index.letters.items()},
        )

    @property
    def version(self) -> str:
        """The index version this pipeline answers from."""
        return self.index.version_name()

    # ------------------------------------------------------------------ query
    def _check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    def retrieve(self, question: str, options: SearchOptions | None = None, **changes: Any) -> list[Passage]:
        return self.retriever.search(question, options, **changes)  # which checks the question

    def ask(
        self,
        question: str,
        options: SearchOptions | None = None,
        *,
        generator: str | None = None,
        qid: Any = None,
        on_delta: OnDelta | None = None,
        history: list[tuple[str, str]] | None = None,
        **changes: Any,
    ) -> Answer:
        """Answer one question: the chain below, invoked once. `options`
        default to the settings' k and mode over all letters; `changes`
        adjust single fields (`ask(q, letters=["..."])`)."""
        return self.chain.invoke(self.query(question, options, generator=generator, qid=qid, on_delta=on_delta,
                                            history=history, **changes))

    @property
    def chain(self):
        """search | answer as a LangChain Runnable: Query -> Retrieved ->
        Answer (`Pipeline.query` makes the Query, with the defaults filled in)."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda

            self._chain = (RunnableLambda(self._search_step, name="search")
                           | RunnableLambda(self._answer_step, name="answer"))
        return self._chain

    def query(self, question: str, options: SearchOptions | None = None, *, generator: str | None = None,
              qid: Any = None, on_delta: OnDelta | None = None, history: list[tuple[str, str]] | None = None,
              **changes: Any) -> Query:
        """The chain's input, with the settings' defaults filled in."""
        options = (options or self.settings.search_options()).replace(**changes)
        return Query(question, options, generator or self.settings.generator, qid, on_delta, history)

    def _search_step(self, query: Query) -> Retrieved:
        if not isinstance(query, Query):  # one typed input: a str or dict would skip the defaults' checks
            raise TypeError(f"the chain takes a Query (Pipeline.query), not {type(query).__name__}")
        t0 = time.perf_counter()
        question = self._check_question(query.question)
        answerer = answerers.spec(query.generator).make(
            answerers.AnswerContext(self.settings, self.extractive, self.page_starts))
        standalone = answerer.condense(query.history, question) if query.history else question
        if standalone != question:  # a rewritten follow-up is checked like a question
            standalone = self._check_question(standalone)
        where = self.retriever.where(query.options)
        # A filter that leaves no letter is the reason nothing is found: said
        # so, with nothing encoded or searched. Otherwise the question is
        # encoded and tokenised once: the search ranks with both, the
        # answerer weighs sentences with both.
        vector = None if where.filtered_out else self.retriever.encode(standalone)
        tokens = () if where.filtered_out else self.retriever.tokens(standalone)
        passages = [] if where.filtered_out else self.retriever.find(standalone, where, vector, tokens)
        return Retrieved(query, question, standalone, tuple(passages), answerer, vector, where.filtered_out,
                         (time.perf_counter() - t0) * 1000, where.scope, tokens)

    def _answer_step(self, r: Retrieved) -> Answer:
        if r.filtered_out:
            message = T.filter_message(is_english(r.question))
            if r.query.on_delta:
                r.query.on_delta(message)
            return r.answer(answer=message, status=Status.NOT_FOUND, warnings=[message])
        return r.answerer.respond(r)

    def with_settings(self, **changes: Any) -> "Pipeline":
        """The same loaded pipeline (embedder, index) with other settings,
        e.g. one app session's LLM server: the retriever and the answerer are
        rebuilt on the new settings (they hold what they depend on); the
        original is not changed."""
        p = copy.copy(self)
        p.settings = self.settings.replace(**changes)
        p.retriever = self.retriever.with_settings(p.settings)
        p.extractive = self.extractive.with_calibration(p.settings.calibration)
        p.extractive.english_terms = p.retriever.english_terms  # the expansion as these settings have it
        p._chain = None  # the chain is bound to its pipeline
        return p

    def warm_up(self) -> None:
        """Run the question path once per question shape before users do:
        the language detector, number parser and the encoder's kernels for a
        range of lengths are set up on first use, which made the first
        questions after a start several times slower than later ones
        (bench/bench_concurrency.py prints first-10 vs the rest). The
        generative answerer's client stack (openai, httpx, langchain-openai)
        is imported here too: ~0.7 s that the first sessions asking an LLM
        at once would otherwise wait for together. So is wordfreq's English
        table (~0.2 s), which only an English question naming something the
        letters never write reads."""
        from rag.answer import llm  # noqa: F401
        from rag.search.question import english_word

        english_word("minister")
        for question in WARM_UP_QUESTIONS:
            self.ask(question)

    def check_llm(self, settings: Settings | None = None) -> None:
        from rag.answer.llm import OpenAIGenerator

        OpenAIGenerator(settings or self.settings).check()


__all__ = ["Pipeline", "Query", "Retrieved"]
