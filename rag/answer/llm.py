"""Generative answers from any OpenAI-compatible chat server.

Ollama, vLLM, llama.cpp server and OpenAI all speak the same
/v1/chat/completions protocol, so one client (langchain_openai.ChatOpenAI)
configured by base_url, model and api_key covers them. The model only writes
prose with [n] markers; which passages those markers may name and what is
quoted for them is decided afterwards by rag.answer.citations, never by the model.

Every failure of the server (down, wrong key, unknown model, dropped stream)
surfaces as an LLMError with a message and a hint, because the CLI and app
show those instead of tracebacks.
"""
from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING
from functools import cached_property, lru_cache
from pathlib import Path

import openai
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from rag import texts as T
from rag.answer.citations import NO_VALID_CITATION, UNSUPPORTED, finalize_generated
from rag.config import Settings
from rag.errors import LLMError
from rag.search.question import is_english
from rag.records import Answer, Passage, Status

if TYPE_CHECKING:
    from rag.answer.answerers import Retrieved


SYSTEM_PROMPT = "answer_system.nl.md"
USER_PROMPT = "answer_user.nl.md"
CONDENSE_PROMPT = "condense_question.nl.md"

_CONFIG_HINT = (
    "Zet RAG_LLM_BASE_URL en RAG_LLM_MODEL (set RAG_LLM_BASE_URL and RAG_LLM_MODEL), "
    "bijv. RAG_LLM_BASE_URL=http://localhost:11434/v1 RAG_LLM_MODEL=llama3.1 voor Ollama."
)
# One retry absorbs a blip; more would turn "server is down" into a long silent
# wait, since the openai client backs off exponentially between attempts.
_MAX_RETRIES = 1
_CONNECT_TIMEOUT_S = 5.0
_CHECK_TIMEOUT_S = 3.0
_CONDENSE_TURNS = 3
_CONDENSE_ANSWER_CHARS = 600


# -- prompts -----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render(template: str, **values: str) -> str:
    """Fill {name} placeholders in one pass.

    Substituted values are never scanned again, so braces or "{question}" inside
    passage text stay literal; braces in the template that name no placeholder
    (e.g. JSON examples) are kept as they are, no escaping needed.
    """

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        return values[name] if name in values else m.group(0)

    return _PLACEHOLDER.sub(fill, template)


@lru_cache(maxsize=32)
def load_prompt(prompts_dir: Path, name: str) -> str:
    """A prompt file's text, read once per process (the OpenAI answerer is
    made per question; a prompt edited on disk takes effect at a restart). A
    file that cannot be read is not remembered: the next question tries again."""
    path = Path(prompts_dir) / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise LLMError(
            f"Promptbestand {path} ontbreekt of is onleesbaar",
            hint="Controleer settings.prompts_dir (standaard de map prompts/ in het project).",
        ) from e


# Anything a model could read as the end of a <passage> block. Single
# guillemets look alike to a reader but cannot close a tag.
_DELIMITER_LOOKALIKES = str.maketrans(
    {"<": "‹", ">": "›", "＜": "‹", "＞": "›", "〈": "‹", "〉": "›"}
)


def neutralise(text: str) -> str:
    return text.translate(_DELIMITER_LOOKALIKES)


def _pages_label(pages: Sequence[int]) -> str:
    if not pages:
        return "?"
    return str(pages[0]) if len(pages) == 1 or pages[0] == pages[-1] else f"{pages[0]}–{pages[-1]}"


def format_passages(passages: Sequence[Passage]) -> str:
    """Numbered passages, each inside <passage id="n"> ... </passage>.

    Numbering follows list position (1-based), the same numbering
    rag.answer.citations validates markers against.
    """
    blocks = []
    for n, p in enumerate(passages, start=1):
        c = p.chunk
        header = f"[{n}] {neutralise(c.title)}, p. {_pages_label(c.pages)}"
        blocks.append(f'<passage id="{n}">\n{header}\n{neutralise(c.text.strip())}\n</passage>')
    return "\n\n".join(blocks)


def _format_history(history: Sequence[tuple[str, str]]) -> str:
    lines = []
    for user, assistant in list(history)[-_CONDENSE_TURNS:]:
        reply = assistant.strip()
        if len(reply) > _CONDENSE_ANSWER_CHARS:
            reply = reply[:_CONDENSE_ANSWER_CHARS].rstrip() + " …"
        lines.append(f"Gebruiker: {user.strip()}\nAssistent: {reply}")
    return "\n\n".join(lines)


# -- errors ------------------------------------------------------------------


def to_llm_error(exc: BaseException, base_url: str, model: str, timeout_s: float) -> LLMError:
    """Translate client/transport exceptions into the user-facing LLMError."""
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(
            f"Kan de taalmodelserver op {base_url} niet bereiken: geen antwoord binnen {timeout_s:g} s",
            hint="Draait de server en is het model geladen? Verhoog eventueel de time-out (llm_timeout_s).",
        )
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(
            f"Kan de taalmodelserver op {base_url} niet bereiken",
            hint="Start de server (bijv. `ollama serve`) of controleer RAG_LLM_BASE_URL "
            "(Ollama: http://localhost:11434/v1).",
        )
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return LLMError(
            f"De taalmodelserver op {base_url} weigert de API-sleutel "
            f"(HTTP {exc.status_code}: {_server_message(exc)})",
            hint="Controleer RAG_LLM_API_KEY (of OPENAI_API_KEY).",
        )
    if isinstance(exc, openai.NotFoundError):
        return LLMError(
            f"Model '{model}' niet gevonden op {base_url} (HTTP 404: {_server_message(exc)})",
            hint="Controleer RAG_LLM_MODEL (Ollama: `ollama pull <model>`; lijst: GET /v1/models) "
            "en of RAG_LLM_BASE_URL eindigt op /v1.",
        )
    if isinstance(exc, openai.RateLimitError):
        return LLMError(
            f"De taalmodelserver op {base_url} weigert wegens te veel verzoeken (HTTP 429)",
            hint="Wacht even en probeer het opnieuw, of controleer het tegoed van de API-sleutel.",
        )
    if isinstance(exc, openai.APIStatusError):
        return LLMError(
            f"De taalmodelserver op {base_url} gaf een fout (HTTP {exc.status_code}: {_server_message(exc)})",
            hint="Zie de log van de server.",
        )
    if isinstance(exc, (openai.APIError, *_TRANSPORT_ERRORS)):
        return LLMError(
            f"Verbinding met de taalmodelserver op {base_url} verbroken tijdens het antwoord "
            f"({_cause(exc)})",
            hint="Probeer het opnieuw; blijft het gebeuren, zie de log van de server.",
        )
    return LLMError(f"Onverwachte fout van de taalmodelclient: {type(exc).__name__}: {exc}")


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return exc.message


def _transport_errors() -> tuple[type[BaseException], ...]:
    # Transport errors can escape unwrapped while a stream is being read;
    # openai 3.x talks through httpx2, older releases through httpx.
    found = []
    for name in ("httpx2", "httpx"):
        try:
            found.append(importlib.import_module(name).HTTPError)
        except (ImportError, AttributeError):
            pass
    return tuple(found)


_TRANSPORT_ERRORS = _transport_errors()
_CLIENT_ERRORS = (openai.APIError, *_TRANSPORT_ERRORS)


def _cause(exc: BaseException) -> str:
    """The innermost exception's text: the openai wrapper only says "Connection error."."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"


# -- generator ---------------------------------------------------------------


class OpenAIGenerator:
    """Answers questions from passages with an OpenAI-compatible chat model."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        page_starts: Mapping[str, Mapping[int, int]] | None = None,
    ):
        """page_starts (letter_id -> page -> offset in the cleaned letter) is
        optional; with it a quote from a chunk spanning pages gets its own page."""
        base_url = (settings.llm_base_url or "").strip().rstrip("/")
        model = (settings.llm_model or "").strip()
        missing = [n for n, v in (("RAG_LLM_BASE_URL", base_url), ("RAG_LLM_MODEL", model)) if not v]
        if missing:
            raise LLMError(
                f"Generatief antwoorden vraagt een taalmodelserver, maar {' en '.join(missing)} "
                "ontbreekt (generator 'openai' needs an OpenAI-compatible server)",
                hint=_CONFIG_HINT,
            )
        self.settings = settings
        self.page_starts = page_starts
        self.base_url = base_url
        self.model = model
        # Local servers ignore the key but the openai client refuses to start
        # without one; a real OpenAI endpoint then answers 401, which we explain.
        self._api_key = settings.llm_api_key or "not-needed"
        # The refusal and partial forms come from rag.texts, so the code that
        # classifies the model's output and the prompt cannot drift apart.
        self._system = render(load_prompt(settings.prompts_dir, SYSTEM_PROMPT), refusal=T.REFUSAL,
                              partial_opening=T.PARTIAL_OPENING, partial_opening_en=T.PARTIAL_OPENING_EN)
        self._user = load_prompt(settings.prompts_dir, USER_PROMPT)
        self._condense = load_prompt(settings.prompts_dir, CONDENSE_PROMPT)
        self._chat = self._make_chat(streaming=True)

    def _make_chat(self, streaming: bool) -> ChatOpenAI:
        s = self.settings
        return _chat_model(self.base_url, self.model, self._api_key, s.llm_temperature, s.llm_timeout_s, streaming)

    @cached_property
    def _chat_plain(self) -> ChatOpenAI:
        return self._make_chat(streaming=False)

    def _error(self, exc: BaseException) -> LLMError:
        return to_llm_error(exc, self.base_url, self.model, self.settings.llm_timeout_s)

    # -- reachability ----------------------------------------------------

    def check(self) -> None:
        """Fail fast, with a useful message, if the server or model is not usable.

        A model missing from GET /models only counts as an error when the
        server lists several models: llama.cpp serves its single model under
        whatever name the request uses, so a mismatch there is harmless.
        """
        # Reuses the chat model's connection pool; only timeout/retries differ.
        client = self._chat.root_client.with_options(timeout=_CHECK_TIMEOUT_S, max_retries=0)
        try:
            listed = [m.id for m in client.models.list()]
        except _CLIENT_ERRORS as e:
            if isinstance(e, openai.NotFoundError):
                raise LLMError(
                    f"{self.base_url}/models bestaat niet (HTTP 404): dit lijkt geen "
                    "OpenAI-compatibele server",
                    hint="RAG_LLM_BASE_URL moet meestal eindigen op /v1, "
                    "bijv. http://localhost:11434/v1 voor Ollama.",
                ) from e
            raise self._error(e) from e
        if len(listed) > 1 and not _model_listed(self.model, listed):
            shown = ", ".join(sorted(listed)[:10])
            raise LLMError(
                f"Model '{self.model}' niet gevonden op {self.base_url} (de server biedt: {shown})",
                hint="Controleer RAG_LLM_MODEL (Ollama: `ollama pull <model>`).",
            )

    # -- prompting -------------------------------------------------------

    def messages(self, question: str, passages: Sequence[Passage]) -> list[BaseMessage]:
        user = render(self._user, passages=format_passages(passages), question=question.strip())
        return [SystemMessage(self._system), HumanMessage(user)]

    # -- answering -------------------------------------------------------

    def _chunks(self, question: str, passages: Sequence[Passage]) -> Iterator[AIMessageChunk]:
        started = False
        try:
            for chunk in self._chat.stream(self.messages(question, passages)):
                started = True
                yield chunk
        except _CLIENT_ERRORS as e:
            # Once text has arrived the server was reachable: a connection
            # error now means the stream broke, not that the server is down.
            if started and isinstance(e, (openai.APIConnectionError, *_TRANSPORT_ERRORS)):
                raise LLMError(
                    f"Verbinding met de taalmodelserver op {self.base_url} verbroken tijdens het "
                    f"antwoord ({_cause(e)})",
                    hint="Probeer het opnieuw; blijft het gebeuren, zie de log van de server.",
                ) from e
            raise self._error(e) from e

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str]:
        """Text deltas of the model's answer as they arrive (markers unchecked)."""
        if not passages:
            yield T.refusal(is_english(question))
            return
        for chunk in self._chunks(question, passages):
            if chunk.text:
                yield chunk.text

    def respond(self, retrieved: Retrieved) -> Answer:
        """The answer (rag.answer.answerers.Answerer), streamed to the query's on_delta."""
        return self._answer(retrieved.standalone, retrieved.passages, retrieved.query.on_delta, retrieved.answer)

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        on_delta: Callable[[str], None] | None = None,
    ) -> Answer:
        """The answer outside a chain."""
        t0 = time.perf_counter()

        def make(**fields) -> Answer:
            return Answer(question=question, generator=self.name,
                          timings_ms={"answer": (time.perf_counter() - t0) * 1000}, **fields)

        return self._answer(question, passages, on_delta, make)

    def _answer(self, question: str, passages: Sequence[Passage], on_delta: Callable[[str], None] | None,
                make: Callable[..., Answer]) -> Answer:
        passages = list(passages)
        parts: list[str] = []
        finish_reason: str | None = None
        if passages:
            for chunk in self._chunks(question, passages):
                finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
                if chunk.text:
                    parts.append(chunk.text)
                    if on_delta:
                        on_delta(chunk.text)
        else:
            # Nothing retrieved: asking the model could only invite invention.
            parts.append(T.refusal(is_english(question)))
            if on_delta:
                on_delta(parts[0])

        text, citations, warnings = finalize_generated("".join(parts), passages, self.page_starts)
        status = Status.NOT_FOUND if not passages else classify_generated(text, bool(citations))
        if status != Status.ANSWERED:
            # A refusal needs no citation; a partial answer's are context.
            warnings = [w for w in warnings if w != NO_VALID_CITATION and not w.startswith(UNSUPPORTED)]
        if passages and finish_reason == "length":
            warnings.append("Antwoord afgebroken: het model bereikte zijn maximale lengte")
        elif passages and finish_reason is None:
            warnings.append("Antwoord mogelijk onvolledig: de server sloot de stream zonder einde-signaal")
        return make(answer=text, status=status, citations=citations, passages=passages, warnings=warnings)

    def condense(self, history: list[tuple[str, str]], question: str) -> str:
        """A standalone Dutch version of a follow-up question, for retrieval."""
        if not history:
            return question
        prompt = render(self._condense, history=_format_history(history), question=question.strip())
        try:
            reply = self._chat_plain.invoke([HumanMessage(prompt)])
        except _CLIENT_ERRORS as e:
            raise self._error(e) from e
        return _clean_condensed(reply.text) or question


def _chat_model(
    base_url: str, model: str, api_key: str, temperature: float, timeout_s: float, streaming: bool
) -> ChatOpenAI:
    """Shared per configuration: building one loads CA certificates for two
    HTTP clients (~0.1 s), and callers create a generator per question. One
    thread builds it while the others wait: sessions asking a new server at
    once would otherwise each build one, on the same cores (8 sessions:
    ~0.8 s before any request left)."""
    with _CHAT_MODELS_LOCK:
        return _new_chat_model(base_url, model, api_key, temperature, timeout_s, streaming)


_CHAT_MODELS_LOCK = threading.Lock()


@lru_cache(maxsize=8)
def _new_chat_model(
    base_url: str, model: str, api_key: str, temperature: float, timeout_s: float, streaming: bool
) -> ChatOpenAI:
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        temperature=temperature,
        # Connecting should be quick even when generating is slow.
        timeout=openai.Timeout(timeout_s, connect=min(_CONNECT_TIMEOUT_S, timeout_s)),
        max_retries=_MAX_RETRIES,
        streaming=streaming,
        # stream_options.include_usage is unknown to some older servers.
        stream_usage=False,
    )


def _model_listed(model: str, listed: Sequence[str]) -> bool:
    # Ollama lists "llama3.1:latest" but accepts "llama3.1".
    def norm(name: str) -> str:
        return name.removesuffix(":latest")

    return norm(model) in {norm(m) for m in listed}


def _clean_condensed(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    line = re.sub(r"^(zelfstandige vraag|vraag|standalone question)\s*:\s*", "", lines[0], flags=re.I)
    return line.strip().strip("\"'“”‘’«»").strip()


def is_abstention(text: str) -> bool:
    norm = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return any(p in norm for p in T.REFUSAL_PATTERNS)


def classify_generated(text: str, cited: bool) -> str:
    """The status of a model's answer: the exact refusal (or a translation
    of it) without citations is not_found; the partial form the prompt asks
    for ("De brieven noemen …, maar …") is partial; anything else answered."""
    if not cited and is_abstention(text):
        return Status.NOT_FOUND
    opening = text.lstrip().lower()
    if opening.startswith((T.PARTIAL_OPENING.lower(), T.PARTIAL_OPENING_EN.lower())):
        return Status.PARTIAL
    return Status.ANSWERED
