"""The briefing note: collected Q&As, note-wide renumbered references, export
to Markdown and DOCX, and the export's file name.

How a reference, a source or a partial answer reads comes from rag.app_render,
the marker grammar from rag.citations and the refusal text from rag.texts.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import texts as T
from .app_render import (
    PARTIAL_LABEL,
    md_escape,
    reference_text,
    shown_standalone,
    source_text,
)
from .citations import WRITTEN_MARKER
from .records import Answer, Citation


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
    # What the answer warned about (e.g. letters a filter left out): it goes
    # with the answer into the note, where the filter is no longer visible.
    warnings: tuple[str, ...] = ()

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
            warnings=tuple(w for w in answer.warnings if w != answer.answer),  # a filter's refusal says it already
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
        lines += [f"*Let op:* {md_escape(w)}  " for w in item.warnings] + ([""] if item.warnings else [])
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
    lines += [f"*Let op:* {md_escape(w)}  " for w in item.warnings] + ([""] if item.warnings else [])
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
        for w in item.warnings:
            doc.add_paragraph().add_run(f"Let op: {w}").italic = True
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
