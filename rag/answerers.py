"""The answerers, by name: what turns a question and its passages into an Answer.

    extractive  quotes the letters' own sentences (rag.answer; offline, default)
    openai      any OpenAI-compatible chat server (rag.llm)

Each is registered with what the CLI, the app and the eval need to know of it
(its label, whether it needs a server, whether it streams), so no caller
tests an answerer's name. A new answerer is one `register` call.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from .errors import InputError
from .records import Answer, OnDelta, Passage

class Answerer(Protocol):
    """Answers one question from its retrieved passages."""

    name: str

    def answer(self, question: str, passages: Sequence[Passage], on_delta: OnDelta | None = None) -> Answer:
        """The answer; a streaming answerer passes its text to on_delta as it
        comes, any other passes the whole answer once."""
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
    from .llm import OpenAIGenerator

    return OpenAIGenerator(context.settings, page_starts=context.page_starts)


register(AnswererSpec("extractive", "Extractief (zinnen uit de brieven, offline)", needs_server=False, streams=False,
                      make=_extractive))
register(AnswererSpec("openai", "OpenAI-compatibel taalmodel", needs_server=True, streams=True, make=_openai))
