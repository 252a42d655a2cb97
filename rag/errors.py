"""User-facing errors: a short explanation plus what to do about it.

The CLI prints `message` and `hint` (exit code 2) and the app shows them in a
box; neither shows a traceback for a RagError.
"""
from __future__ import annotations


class RagError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InputError(RagError):
    """The user's question or file cannot be used as given."""


class IndexStateError(RagError):
    """The index is missing, stale, corrupted or built with another embedder."""


class LLMError(RagError):
    """The OpenAI-compatible server is unreachable or answered with an error."""


class ModelError(RagError):
    """The embedder could not be prepared or loaded."""


class StoreError(RagError):
    """The shared Postgres store (RAG_STORE) cannot be reached."""
