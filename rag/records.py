"""Typed records passed between the pipeline stages.

ingest -> Letter, clean -> CleanText (rag.ingest.clean), chunk -> Chunk,
retrieve -> Passage, compose -> Answer with Citations.

They are plain frozen dataclasses so every stage can be tested alone and the
JSON contract of the CLI (see README) is a direct `to_dict` of these records.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Callable

# Receives an answer's text as it is produced (streamed, or whole at once).
OnDelta = Callable[[str], None]


class Status(StrEnum):
    """What an answer is (`Answer.status`), defined once: the answerers set
    it, and the CLI, app, note and eval read what follows from it here
    (a StrEnum, so it compares and serialises as its string). A new state is
    a member here with its properties; callers read the properties.

      answered   the letters state what was asked; cited sentences
      partial    the letters discuss the subject but do not state the asked
                 fact; one generated sentence says which, the closest
                 passages cited as context
      not_found  the letters do not discuss it (or a filter left no letter)
    """

    ANSWERED = "answered"
    PARTIAL = "partial"
    NOT_FOUND = "not_found"

    @property
    def abstained(self) -> bool:
        """Not an answer to the question (the JSON contract's "abstained")."""
        return self is not Status.ANSWERED

    @property
    def cites(self) -> bool:
        """Whether the answer carries citations (a refusal cites nothing)."""
        return self is not Status.NOT_FOUND

    @property
    def context(self) -> bool:
        """Shown as no answer with context: what it cites is near the
        question, not an answer to it (labelled, its citations as context)."""
        return self.abstained and self.cites

    @property
    def label(self) -> str:
        """How the app and the note name it."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {Status.ANSWERED: "Antwoord", Status.PARTIAL: "Gedeeltelijk antwoord",
                  Status.NOT_FOUND: "Niet gevonden"}


@dataclass(frozen=True)
class Letter:
    """One letter of the corpus with the metadata its manifest records.

    date, kamerstuk and minister are filled only where the letter's own text
    states them; unknown stays "" (never guessed).
    """

    letter_id: str
    title: str
    kind: str  # rag.ingest.layout.KINDS: "kamerbrief", "beantwoording kamervragen", "motie", ...
    file: str  # path relative to the corpus folder
    sha256: str
    date: str = ""  # ISO yyyy-mm-dd
    kamerstuk: str = ""  # e.g. "29 911, nr. 355"; "Aanhangsel Handelingen II 2021-2022, nr. 3369"
    minister: str = ""  # the sender's name as written (signature, "Antwoord van ...")
    note: str = ""
    dossier: str = ""  # "29 911", "36 800 X"
    dossier_title: str = ""
    number: str = ""  # the document's number within its dossier ("437", "B")
    sender: str = ""  # the sending role(s) as written: "Minister van Justitie en Veiligheid"
    members: tuple[str, ...] = ()  # Kamerleden who asked or moved: "Van Nispen (SP)"
    subject: str = ""  # the subject the document states ("" when it states none; title then names it)

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members or ()))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["members"] = list(self.members)
        return d


@dataclass(frozen=True)
class LetterPages:
    """What later stages need of a cleaned letter, built into the index so
    nothing re-reads or re-cleans letter files after a build: its cleaned
    text (the reading view), where each page starts in it (a quote's page),
    and what the letter states about itself (minister, date, Kamerstuk,
    addressee, letterhead and signature) as context for the answerer."""

    letter_id: str
    text: str
    page_starts: tuple[int, ...]
    context: str = ""

    def pages(self) -> list[tuple[int, str]]:
        """(page number, text of that page)."""
        bounds = [*self.page_starts, len(self.text)]
        return [(n, self.text[a:b].strip()) for n, (a, b) in enumerate(zip(bounds, bounds[1:]), start=1)]

    def page_offsets(self) -> dict[int, int]:
        """page number -> offset of its first character."""
        return {n: off for n, off in enumerate(self.page_starts, start=1)}

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["page_starts"] = list(self.page_starts)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LetterPages":
        return cls(letter_id=str(d["letter_id"]), text=str(d["text"]),
                   page_starts=tuple(int(x) for x in d["page_starts"]), context=str(d.get("context", "")))


@dataclass(frozen=True)
class Footnote:
    number: str
    text: str
    page: int


# A chunk of a document's own header line (who put written questions, when),
# quoted only to answer a question about the document itself: header lines are
# furniture, in no indexed chunk.
HEADER = "header"


def header_chunk_id(letter_id: str) -> str:
    return f"{letter_id}#{HEADER}"


def is_header_chunk_id(chunk_id: str) -> bool:
    return chunk_id.endswith(f"#{HEADER}")


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit of cleaned letter text.

    `text` is a slice of the letter's cleaned text: `clean.text[start:end]`.
    `pages` lists every page the span touches; `page` is the first.
    """

    chunk_id: str
    letter_id: str
    title: str
    date: str
    kamerstuk: str
    pages: tuple[int, ...]
    section: str
    start: int
    end: int
    text: str
    # "body" | "qa" (a Kamervraag with its answer) | "question" (one nobody answered) | "footnote"
    # | HEADER (made at answer time, never indexed: see header_chunk_id)
    kind: str = "body"
    question_no: int | None = None
    content_hash: str = ""
    # (start, end) offsets in `text` of the sentences that may be quoted as an
    # answer: decided at chunk time, so letterheads, signatures, headings,
    # captions and the Kamervraag itself never become answer text.
    answer_spans: tuple[tuple[int, int], ...] = ()
    # The typed spans of those sentences (rag.ingest.spans: kind, start, end, value,
    # extra; chunk-text offsets), computed at build time so the question
    # path only compares them with the question's typed request.
    typed: tuple[tuple[str, int, int, str, str], ...] = ()

    @property
    def page(self) -> int:
        return self.pages[0] if self.pages else 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["pages"] = list(self.pages)
        d["answer_spans"] = [list(s) for s in self.answer_spans]
        d["typed"] = [list(t) for t in self.typed]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Chunk":
        d = dict(d)
        d["pages"] = tuple(d.get("pages", ()))
        d["answer_spans"] = tuple((int(a), int(b)) for a, b in d.get("answer_spans", ()))
        d["typed"] = tuple((str(k), int(a), int(b), str(v), str(x)) for k, a, b, v, x in d.get("typed", ()))
        return cls(**d)


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved for one question, with its rank and fused score."""

    chunk: Chunk
    rank: int
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "rank": self.rank,
            "chunk_id": c.chunk_id,
            "letter_id": c.letter_id,
            "title": c.title,
            "page": c.page,
            "text": c.text,
            "score": round(float(self.score), 6),
        }


@dataclass(frozen=True)
class Citation:
    """Marker [n] in an answer -> the passage and the verbatim quote behind it."""

    n: int
    chunk_id: str
    letter_id: str
    title: str
    kamerstuk: str
    date: str
    page: int
    quote: str
    # The last page of a quote that runs onto the next page (0: on `page` only).
    page_end: int = 0

    @property
    def page_label(self) -> str:
        """"2", or "2–3" for a quote spanning pages."""
        return f"{self.page}–{self.page_end}" if self.page_end and self.page_end != self.page else str(self.page)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """One answer. `status` is a Status ("answered", "partial" or
    "not_found"); `abstained` follows from it (Status.abstained), kept for
    the JSON contract and callers that only ask whether it answered. A
    not_found answer carries no citations; a partial one cites the closest
    sentences as context."""

    question: str
    answer: str
    abstained: bool | None = None
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    id: Any = None
    generator: str = "extractive"
    # Standalone form of a follow-up question, when it was rewritten for the
    # search (None: searched as asked).
    standalone_question: str | None = None
    # Non-fatal problems worth showing (e.g. an LLM answer left without citations).
    warnings: list[str] = field(default_factory=list)
    status: Status | str = ""  # a Status once built

    def __post_init__(self) -> None:
        # Built complete: status decides abstained, and a refusal cites nothing.
        status = Status(self.status or (Status.NOT_FOUND if self.abstained else Status.ANSWERED))
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "abstained", status.abstained)
        if not status.cites:
            object.__setattr__(self, "citations", [])

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON contract of `python -m rag ask --json`."""
        d: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            # What was searched: the standalone form of a follow-up, else the
            # question itself, so a client sees how its conversation was read.
            "searched_as": self.standalone_question or self.question,
            "answer": self.answer,
            "status": self.status,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d
