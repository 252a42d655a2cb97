"""The answerers, by name: what turns a question and its passages into an Answer.

    extractive  quotes the letters' own sentences (rag.answer.extractive; offline, default)
    openai      any OpenAI-compatible chat server (rag.answer.llm)

Each is registered with what the CLI, the app and the eval need to know of it
(its label, whether it needs a server, whether it streams), so no caller
tests an answerer's name. A new answerer is one `register` call.

The hand-off between the stages is typed here: the chain's input `Query`,
the search step's `Retrieved` (the question checked once, what was
searched, its vector and tokens, the passages, what the filters left out), and the
answer step's `Answer`, which the answerer builds complete through
`Retrieved.answer`.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from rag.config import SearchOptions
from rag.errors import InputError
from rag.filters import Scope, scope_warnings
from rag.records import Answer, Citation, OnDelta, Passage, Status


@dataclass(frozen=True)
class Query:
    """What `Pipeline.ask` was asked: the chain's input."""

    question: str
    options: SearchOptions
    generator: str
    qid: Any = None
    on_delta: OnDelta | None = None
    history: list[tuple[str, str]] | None = None


@dataclass(frozen=True)
class Retrieved:
    """The search step's output: what was asked and searched, what was
    found, and what the answerer needs of the search (the vector and the
    tokens of what was searched, so nothing encodes or tokenises it twice)."""

    query: Query
    question: str  # checked once (whitespace folded)
    standalone: str  # what was searched: the question, or a follow-up made standalone
    passages: tuple[Passage, ...]
    answerer: "Answerer"
    vector: np.ndarray | None  # the searched text's vector as the embedder gave it; None when filtered out
    filtered_out: bool  # the filters left no letter to search
    search_ms: float
    # What the filters left and left out (letters without a date, by dossier/type).
    scope: Scope = Scope()
    # The searched text's tokens (rag.textnl.tokenize), made once: the lexical
    # ranking and the answerer's word coverage both read them.
    tokens: tuple[str, ...] = ()
    # When the search ended: the answer's time is counted from here.
    searched_at: float = field(default_factory=time.perf_counter)

    def answer(self, *, answer: str, status: Status, citations: Sequence[Citation] = (),
               passages: Sequence[Passage] = (), warnings: Sequence[str] = ()) -> Answer:
        """The one complete Answer to this question: what the answerer
        says (`passages`: the retrieved ones when empty; an answerer may add
        those it read on into), with the question, its id, the answerer,
        what was searched, the filters' warnings and the timings."""
        answer_ms = (time.perf_counter() - self.searched_at) * 1000
        return Answer(
            question=self.question, answer=answer, status=status, citations=list(citations),
            passages=list(passages or self.passages), id=self.query.qid, generator=self.query.generator,
            standalone_question=self.standalone if self.standalone != self.question else None,
            # The answer says which letters its filters kept it from seeing.
            warnings=[*warnings, *scope_warnings(self.scope)],
            timings_ms={"retrieve": self.search_ms, "answer": answer_ms, "total": self.search_ms + answer_ms})


class Answerer(Protocol):
    """Answers one question from its retrieved passages."""

    name: str

    def respond(self, retrieved: Retrieved) -> Answer:
        """The complete answer (built by `retrieved.answer`); a streaming
        answerer passes its text to the query's on_delta as it comes, any
        other passes the whole answer once."""
        ...

    def answer(self, question: str, passages: Sequence[Passage], on_delta: OnDelta | None = None) -> Answer:
        """The same answer outside a chain (tests, scripts): only what the
        answerer itself says, without the search's fields."""
        ...

    def condense(self, history: list[tuple[str, str]], question: str) -> str:
        """The question to search for, given the conversation so far."""
        ...


@dataclass(frozen=True)
class AnswerContext:
    """What an answerer factory gets from the loaded pipeline: the settings
    (an app session's own LLM server among them), the extractive answerer
    built from the index, and each letter's page offsets for citations."""

    settings: Any  # rag.config.Settings
    extractive: Answerer
    page_starts: Mapping[str, Any]


@dataclass(frozen=True)
class AnswererSpec:
    name: str
    label: str  # as the app shows it
    needs_server: bool  # an LLM server must be configured (RAG_LLM_*)
    streams: bool  # on_delta receives the text as it is generated
    make: Callable[[AnswerContext], Answerer]


_REGISTRY: dict[str, AnswererSpec] = {}


def register(spec: AnswererSpec) -> None:
    _REGISTRY[spec.name] = spec


def spec(name: str) -> AnswererSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InputError(f"Onbekende generator {name!r}.", f"Kies uit: {', '.join(_REGISTRY)}.") from None


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def _extractive(context: AnswerContext) -> Answerer:
    return context.extractive


def _openai(context: AnswerContext) -> Answerer:
    from rag.answer.llm import OpenAIGenerator

    return OpenAIGenerator(context.settings, page_starts=context.page_starts)


register(AnswererSpec("extractive", "Extractief (zinnen uit de brieven, offline)", needs_server=False, streams=False,
                      make=_extractive))
register(AnswererSpec("openai", "OpenAI-compatibel taalmodel", needs_server=True, streams=True, make=_openai))
