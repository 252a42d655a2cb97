"""Session glue behind the Streamlit app (streamlit_app.py), testable without it:
what is neither rendering (rag/app_render.py) nor the briefing note
(rag/app_note.py).

- conversation history for follow-up questions;
- a session's own LLM settings on the shared pipeline;
- what the user sees for an error (never a traceback);
- the one Pipeline of the server and the lock shared by all sessions.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence

from .errors import RagError
from .records import Answer


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


def with_llm_settings(pipeline, base_url: str, model: str, api_key: str):
    """A shallow copy of the (shared) pipeline whose settings carry this
    session's LLM server, so sessions never change each other's settings."""
    return pipeline.with_settings(llm_base_url=base_url.strip(), llm_model=model.strip(),
                                  llm_api_key=api_key.strip())


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
    """Holds the one Pipeline of the server and the lock around it.

    Loading happens once (the first session loads, others wait). An upload
    builds a new Pipeline outside the lock and swaps it in under it, so no
    question waits for an index build and none sees one half-done."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pipeline = None
        self.load_seconds: float | None = None
