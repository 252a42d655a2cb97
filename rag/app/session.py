"""Session glue behind the Streamlit app (streamlit_app.py), testable without it:
what is neither rendering (rag/app/render.py) nor the briefing note
(rag/app/note.py).

- conversation history for follow-up questions;
- a session's own LLM settings on the shared pipeline;
- what the user sees for an error (never a traceback);
- the one Library (and its Pipeline) of the server and the lock shared by all sessions.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from rag.config import SearchOptions
from rag.errors import RagError
from rag.records import Answer

log = logging.getLogger(__name__)


# ---------------------------------------------------------- conversation
def history_pairs(messages: Sequence[dict]) -> list[tuple[str, str]]:
    """(question, answer text) of the conversation's answered turns, in order,
    for Pipeline.ask(history=...). Turns that failed are left out; a refusal
    keeps its question with an empty answer."""
    pairs: list[tuple[str, str]] = []
    for msg in messages:
        ans = msg.get("answer") if msg.get("role") == "assistant" else None
        if isinstance(ans, Answer):
            # The standalone form, so a chain of follow-ups keeps its subject.
            pairs.append((ans.standalone_question or ans.question, "" if ans.abstained else ans.answer))
    return pairs


@dataclass(frozen=True)
class LLMServer:
    """The OpenAI-compatible server a session asks (the sidebar's fields)."""

    base_url: str = ""
    model: str = ""
    api_key: str = ""

    def __post_init__(self) -> None:
        # As typed in the sidebar: surrounding spaces are no part of a URL, name or key.
        for name in ("base_url", "model", "api_key"):
            object.__setattr__(self, name, getattr(self, name).strip())

    def changes(self) -> dict[str, str]:
        """The settings fields (rag.config.Settings) that name this server."""
        return {"llm_base_url": self.base_url, "llm_model": self.model, "llm_api_key": self.api_key}


@dataclass(frozen=True)
class ChatOptions:
    """What the sidebar chose for the next question: the search's options,
    the answerer (rag.answer.answerers) and, for one that needs it, the server."""

    search: SearchOptions
    generator: str
    llm: LLMServer | None = None


def with_llm_settings(pipeline, server: LLMServer):
    """A shallow copy of the (shared) pipeline whose settings carry this
    session's LLM server, so sessions never change each other's settings."""
    return pipeline.with_settings(**server.changes())


# ---------------------------------------------------------------- errors
def error_message(exc: BaseException) -> str:
    """What the user sees for an exception: never a traceback."""
    if isinstance(exc, RagError):
        return f"{exc.message}\n\n{exc.hint}" if exc.hint else exc.message
    return (
        f"Er ging iets mis: {type(exc).__name__}. Probeer het opnieuw of start een nieuw gesprek; "
        "de details staan in het serverlog."
    )


# ------------------------------------------------------------------ lock
class PipelineGuard:
    """Holds the one Library of the server (rag.library) and the Pipeline it answers with.

    Loading happens once (the first session loads, others wait on `lock`).
    Questions take no lock: retrieval and the extractive answerer only read
    the loaded index, so sessions answer side by side (an LLM's long answer
    blocks nobody). An upload builds a new Library while sessions keep
    answering from the current one and then swaps it in: each question uses
    the pipeline it started with, so none sees a half-built index."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # loading and swapping, never a question
        self.library = None
        self.load_seconds: float | None = None
        self._checked = time.monotonic()

    @property
    def pipeline(self):
        """The pipeline to answer with (None before the first load)."""
        return self.library.pipeline if self.library is not None else None

    def load(self, settings, progress=None) -> None:
        """Load the library once (a second caller finds it loaded) and warm its pipeline."""
        from rag.embed.model import size_threads_for_serving
        from rag.library import Library

        with self.lock:
            if self.library is None:
                size_threads_for_serving(settings.serve_threads)  # before torch loads
                t0 = time.perf_counter()
                library = Library.load(settings, **({"progress": progress} if progress else {}))
                library.pipeline.warm_up()
                self.library = library
                self.load_seconds = time.perf_counter() - t0

    def swap(self, library) -> None:
        with self.lock:
            self.library = library

    def current(self):
        """The pipeline to answer with. At most every `refresh_seconds` it
        looks whether the store's live version moved on (another app process
        or replica ingested letters) and then loads that version and swaps it
        in. One session does the look and the load; the others meanwhile
        answer from the pipeline they have (the lock is only tried)."""
        library = self.library
        if library is None or time.monotonic() - self._checked < library.settings.refresh_seconds:
            return self.pipeline
        if not self.lock.acquire(blocking=False):
            return self.pipeline
        try:
            self._checked = time.monotonic()
            if self.library is library:
                try:
                    newer = library.following_live()
                except Exception:  # noqa: BLE001 - the loaded pipeline keeps answering; the next look retries
                    log.warning("Nieuwe indexversie niet geladen; de huidige blijft in gebruik.", exc_info=True)
                    newer = None
                if newer is not None:
                    log.info("Indexversie %s geladen (was %s).", newer.version, library.version)
                    self.library = newer
            return self.pipeline
        finally:
            self.lock.release()

    def ask(self, question: str, options=None, *, pipeline=None, **kw):
        """One question on the current pipeline (or a session's variant of
        it, e.g. with its own LLM settings), without any server-wide lock."""
        return (pipeline or self.pipeline).ask(question, options, **kw)
