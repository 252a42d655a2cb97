"""Pure logic behind the Streamlit app (streamlit_app.py), testable without it.

- rendering: answer text with [n] markers as anchor links, source cards with
  the quoted sentence marked, metadata lines in Dutch;
- the briefing note: collected Q&As, note-wide renumbered references, export
  to Markdown and DOCX;
- conversation glue: history for follow-ups, sentence-by-sentence reveal;
- a lock shared by all sessions around the one Pipeline.

All letter text is passed through html.escape before it is put in HTML.
"""
from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as _date

from . import texts as T
from .citations import WRITTEN_MARKER
from .errors import RagError
from .records import Answer, Citation, Passage
from .textnl import MONTHS_NL

PARTIAL_LABEL = "Gedeeltelijk antwoord"


MONTHS = MONTHS_NL

MODE_LABELS = {
    "hybrid": "hybride (betekenis + trefwoorden)",
    "dense": "dense (betekenis)",
    "bm25": "BM25 (trefwoorden)",
}


# --------------------------------------------------------------- metadata
def dutch_date(iso: str) -> str:
    """'2022-11-10' -> '10 november 2022'; '' -> 'datum onbekend'."""
    if not iso:
        return "datum onbekend"
    try:
        d = _date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def kamerstuk_label(kamerstuk: str) -> str:
    return f"Kamerstuk {kamerstuk}" if kamerstuk else "geen Kamerstuknummer"


def reference_text(c: Citation) -> str:
    """One reference line: title, Kamerstuk, date, page, quote."""
    return f"{c.title}, {kamerstuk_label(c.kamerstuk)}, {dutch_date(c.date)}, p. {c.page}: “{c.quote}”"


def source_text(title: str, kamerstuk: str, date: str) -> str:
    return f"{title}, {kamerstuk_label(kamerstuk)}, {dutch_date(date)}"


# -------------------------------------------------------------- rendering
def esc(text: str) -> str:
    """HTML-escape, and keep Streamlit's markdown from reading $…$ as maths."""
    return html.escape(text, quote=True).replace("$", "&#36;")


def anchor_id(msgid: str, n: int) -> str:
    return f"bron-{msgid}-{n}"


def answer_html(text: str, msgid: str, cited: Iterable[int] | None = None) -> str:
    """Answer text (escaped) with each marker [n] as a link to its source card.

    Only markers that have a card (`cited`) become links; others stay text.
    """
    cited = set(cited) if cited is not None else None

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if cited is not None and n not in cited:
            return m.group(0)
        return f'<a class="rag-cite" href="#{anchor_id(msgid, n)}" title="Naar bron {n}">[{n}]</a>'

    return WRITTEN_MARKER.sub(link, esc(text))


def _find_loose(haystack: str, needle: str) -> tuple[int, int] | None:
    """Span of needle in haystack, allowing any run of whitespace to differ."""
    needle = needle.strip()
    if not needle:
        return None
    i = haystack.find(needle)
    if i >= 0:
        return i, i + len(needle)
    words = needle.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, haystack)
    if m:
        return m.span()
    m = re.search(pattern, haystack, flags=re.IGNORECASE)
    return m.span() if m else None


def excerpt(text: str, quote: str, context: int = 320) -> tuple[str, str, str]:
    """(before, quote, after) cut from text around the quote, with about
    `context` characters either side, cut at word boundaries with '…'.
    If the quote is not found: ('', '', start of text)."""
    span = _find_loose(text, quote)
    if span is None:
        return "", "", _clip_end(text, 2 * context)
    a, b = span
    before = text[:a]
    if len(before) > context:
        before = before[-context:]
        before = "… " + before.split(" ", 1)[-1] if " " in before else "… " + before
    after = text[b:]
    after = _clip_end(after, context)
    return before, text[a:b], after


def _clip_end(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut + " …"


def _paragraphs_html(text: str) -> str:
    """Escaped text with line breaks kept, on one line (no blank lines, so
    markdown leaves the surrounding HTML block alone)."""
    return esc(text).replace("\r", "").replace("\n\n", "<br><br>").replace("\n", "<br>")


def meta_line_html(title: str, kamerstuk: str, date: str, page: int | None) -> str:
    parts = [esc(kamerstuk_label(kamerstuk)), esc(dutch_date(date))]
    if page:
        parts.append(f"p. {page}")
    return (
        f'<div class="rag-card-title">{esc(title)}</div>'
        f'<div class="rag-card-meta">{" · ".join(parts)}</div>'
    )


def source_card_html(c: Citation, passage_text: str, msgid: str) -> str:
    """The card a marker [n] links to: letter, Kamerstuk, date, page and the
    passage with the quoted sentence in <mark>."""
    before, quote, after = excerpt(passage_text or c.quote, c.quote)
    if not quote:  # quote not found in the passage text: show the quote itself
        body = f"<mark>{_paragraphs_html(c.quote)}</mark>"
    else:
        body = f"{_paragraphs_html(before)}<mark>{_paragraphs_html(quote)}</mark>{_paragraphs_html(after)}"
    return (
        f'<div class="rag-card" id="{anchor_id(msgid, c.n)}">'
        f'<span class="rag-card-n">[{c.n}]</span>'
        f"{meta_line_html(c.title, c.kamerstuk, c.date, c.page)}"
        f'<div class="rag-card-text">{body}</div>'
        f"</div>"
    )


def passage_card_html(p: Passage, msgid: str, limit: int = 700) -> str:
    """A retrieved passage without a claim on it (offered after a refusal)."""
    c = p.chunk
    return (
        f'<div class="rag-card rag-card-plain" id="passage-{msgid}-{p.rank}">'
        f'<span class="rag-card-n">#{p.rank}</span>'
        f"{meta_line_html(c.title, c.kamerstuk, c.date, c.page)}"
        f'<div class="rag-card-text">{_paragraphs_html(_clip_end(c.text, limit))}</div>'
        f"</div>"
    )


def passage_text_for(c: Citation, passages: Sequence[Passage]) -> str:
    for p in passages:
        if p.chunk.chunk_id == c.chunk_id:
            return p.chunk.text
    return c.quote


def letter_page_html(text: str) -> str:
    return f'<div class="rag-page">{_paragraphs_html(text)}</div>'


def reveal_steps(text: str) -> list[str]:
    """Growing prefixes of an answer, one sentence (with its markers) more each
    step: the extractive answer is shown sentence by sentence."""
    parts = [s for s in re.split(r"(?<=[.!?\]])\s+(?=[^\[\s])", text.strip()) if s]
    steps, acc = [], ""
    for s in parts:
        acc = f"{acc} {s}" if acc else s
        steps.append(acc)
    return steps or [text]


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


def shown_standalone(answer: Answer) -> str | None:
    """The rewritten question to show ("Gezocht als: …"), when it differs."""
    s = (answer.standalone_question or "").strip()
    if s and " ".join(s.split()).casefold() != " ".join(answer.question.split()).casefold():
        return s
    return None


def error_message(exc: BaseException) -> str:
    """What the user sees for an exception: never a traceback."""
    if isinstance(exc, RagError):
        return f"{exc.message}\n\n{exc.hint}" if exc.hint else exc.message
    return (
        f"Er ging iets mis: {type(exc).__name__}. Probeer het opnieuw of start een nieuw gesprek; "
        "de details staan in het serverlog."
    )


def with_llm_settings(pipeline, base_url: str, model: str, api_key: str):
    """A shallow copy of the (shared) pipeline whose settings carry this
    session's LLM server, so sessions never change each other's settings."""
    return pipeline.with_settings(llm_base_url=base_url.strip(), llm_model=model.strip(),
                                  llm_api_key=api_key.strip())


# ------------------------------------------------------------------- note
@dataclass(frozen=True)
class NoteItem:
    """One question and answer taken into the briefing note."""

    question: str
    answer: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    standalone_question: str | None = None
    msgid: str = ""
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", T.NOT_FOUND if self.abstained else T.ANSWERED)

    @classmethod
    def from_answer(cls, answer: Answer, msgid: str = "") -> "NoteItem":
        return cls(
            question=answer.question,
            answer=answer.answer,
            citations=tuple(answer.citations),
            abstained=answer.abstained,
            standalone_question=shown_standalone(answer),
            msgid=msgid,
            status=answer.status,
        )


def note_answer(item: NoteItem, text: str, refs: Sequence[int], markdown: bool = True) -> str:
    """An item's answer as the note shows it: a full answer as written; a
    partial one labelled, with its context references; a refusal in the
    language it was given in."""
    esc = md_escape if markdown else (lambda x: x)
    if item.status == T.PARTIAL:
        context = f" (context: {', '.join(f'[{n}]' for n in refs)})" if refs else ""
        label = f"*{PARTIAL_LABEL}:*" if markdown else f"{PARTIAL_LABEL}:"
        return f"{label} {esc(text)}{context}"
    if item.status == T.NOT_FOUND:
        return esc(item.answer or T.REFUSAL)
    return esc(text)


@dataclass
class NumberedNote:
    """Note items with their answers renumbered note-wide."""

    texts: list[str] = field(default_factory=list)  # answer text per item, markers renumbered
    item_refs: list[list[int]] = field(default_factory=list)  # reference numbers per item
    references: list[Citation] = field(default_factory=list)  # reference i+1 (n = note number)
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # (title, kamerstuk, date)


def number_note(items: Sequence[NoteItem]) -> NumberedNote:
    """Renumber citations across the note: [1]..[N] in order of appearance.
    The same quote from the same passage cited twice keeps one number."""
    out = NumberedNote()
    key_to_n: dict[tuple[str, str], int] = {}
    seen_letters: dict[str, tuple[str, str, str]] = {}
    for item in items:
        local: dict[int, int] = {}
        by_n = {c.n: c for c in item.citations}
        # Order of appearance in the text first, then any citation not marked.
        order = [int(m.group(1)) for m in WRITTEN_MARKER.finditer(item.answer)]
        order += [c.n for c in item.citations]
        for n in order:
            c = by_n.get(n)
            if c is None or n in local:
                continue
            key = (c.chunk_id, " ".join(c.quote.split()))
            if key not in key_to_n:
                key_to_n[key] = len(out.references) + 1
                out.references.append(Citation(**{**c.to_dict(), "n": key_to_n[key]}))
                seen_letters.setdefault(c.letter_id, (c.title, c.kamerstuk, c.date))
            local[n] = key_to_n[key]

        def renumber(m: re.Match[str], local=local) -> str:
            n = int(m.group(1))
            return f"[{local[n]}]" if n in local else ""

        text = WRITTEN_MARKER.sub(renumber, item.answer)
        text = re.sub(r"[ \t]+(?=[.,;:!?)]|$)", "", text, flags=re.M)
        out.texts.append(text)
        out.item_refs.append(sorted(set(local.values())))
    out.sources = list(seen_letters.values())
    return out


def md_escape(text: str) -> str:
    """Keep letter text literal in Markdown (no emphasis, headings, links)."""
    return re.sub(r"([\\`*_{}<>#|~$])", r"\\\1", text)


def note_markdown(title: str, intro: str, items: Sequence[NoteItem]) -> str:
    """The briefing note as Markdown: title, intro, Q&As in order, numbered
    references and the list of letters used."""
    num = number_note(items)
    lines = [f"# {title.strip() or 'Briefingnotitie'}", ""]
    if intro.strip():
        lines += [intro.strip(), ""]
    for i, (item, text) in enumerate(zip(items, num.texts), start=1):
        lines += [f"## {i}. {md_escape(item.question)}", ""]
        if item.standalone_question:
            lines += [f"*Gezocht als: {md_escape(item.standalone_question)}*", ""]
        lines += [note_answer(item, text, num.item_refs[i - 1]), ""]
    if num.references:
        lines += ["## Referenties", ""]
        lines += [f"[{c.n}] {md_escape(reference_text(c))}  " for c in num.references]
        lines += [""]
    if num.sources:
        lines += ["## Bronnen", ""]
        lines += [f"- {md_escape(source_text(*s))}" for s in num.sources]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"


def answer_markdown(item: NoteItem) -> str:
    """A single answer with its references, for copying."""
    num = number_note([item])
    lines = [f"**Vraag:** {md_escape(item.question)}", ""]
    if item.standalone_question:
        lines += [f"*Gezocht als: {md_escape(item.standalone_question)}*", ""]
    lines += [note_answer(item, num.texts[0], num.item_refs[0]), ""]
    if num.references:
        lines += ["**Referenties**", ""]
        lines += [f"[{c.n}] {md_escape(reference_text(c))}  " for c in num.references]
    return "\n".join(lines).rstrip() + "\n"


def note_docx(title: str, intro: str, items: Sequence[NoteItem]) -> bytes:
    """The briefing note as a Word document (python-docx)."""
    from docx import Document
    from docx.shared import Pt

    num = number_note(items)
    doc = Document()
    doc.core_properties.title = title.strip() or "Briefingnotitie"
    doc.core_properties.language = "nl-NL"
    doc.add_heading(title.strip() or "Briefingnotitie", level=0)
    if intro.strip():
        for para in re.split(r"\n\s*\n", intro.strip()):
            doc.add_paragraph(para.strip())
    for i, (item, text) in enumerate(zip(items, num.texts), start=1):
        doc.add_heading(f"{i}. {item.question}", level=1)
        if item.standalone_question:
            p = doc.add_paragraph()
            run = p.add_run(f"Gezocht als: {item.standalone_question}")
            run.italic = True
        doc.add_paragraph(note_answer(item, text, num.item_refs[i - 1], markdown=False))
    if num.references:
        doc.add_heading("Referenties", level=1)
        for c in num.references:
            p = doc.add_paragraph()
            p.add_run(f"[{c.n}] ").bold = True
            p.add_run(reference_text(c))
            p.paragraph_format.space_after = Pt(4)
    if num.sources:
        doc.add_heading("Bronnen", level=1)
        for s in num.sources:
            doc.add_paragraph(source_text(*s), style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def file_slug(title: str) -> str:
    s = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip().replace(" ", "-")
    return s[:60] or "notitie"


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
