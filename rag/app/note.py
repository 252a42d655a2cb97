"""The briefing note: collected Q&As, note-wide renumbered references, export
to Markdown and DOCX, and the export's file name.

How a reference, a source or a partial answer reads comes from rag.app.render,
the marker grammar from rag.answer.citations and the refusal text from rag.texts.
"""
from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

from rag import texts as T
from rag.app.render import (
    md_escape,
    reference_text,
    shown_standalone,
    source_text,
)
from rag.answer.citations import WRITTEN_MARKER, close_gaps
from rag.errors import InputError
from rag.records import Answer, Citation, Status

# An edited answer is a paragraph or a few, not a document.
MAX_EDIT_CHARS = 20_000


@dataclass(frozen=True)
class NoteItem:
    """One question and answer taken into the briefing note."""

    question: str
    answer: str
    citations: tuple[Citation, ...] = ()
    standalone_question: str | None = None
    msgid: str = ""
    status: Status | str = Status.ANSWERED
    # What the answer warned about (e.g. letters a filter left out): it goes
    # with the answer into the note, where the filter is no longer visible.
    warnings: tuple[str, ...] = ()
    # The user rewrote the answer text in the note (its status label stays).
    edited: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))

    @property
    def abstained(self) -> bool:
        return self.status.abstained

    def to_record(self) -> dict:
        """As stored JSON (rag.app.notebooks)."""
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        return d

    @classmethod
    def from_record(cls, d: Mapping) -> "NoteItem":
        d = dict(d)
        d["citations"] = tuple(Citation(**c) for c in d.get("citations", ()))
        d["warnings"] = tuple(d.get("warnings", ()))
        d.pop("abstained", None)  # follows from status
        return cls(**d)

    @classmethod
    def from_answer(cls, answer: Answer, msgid: str = "") -> "NoteItem":
        return cls(
            question=answer.question,
            answer=answer.answer,
            citations=tuple(answer.citations),
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
    if item.status.context:
        context = f" (context: {', '.join(f'[{n}]' for n in refs)})" if refs else ""
        label = f"*{item.status.label}:*" if markdown else f"{item.status.label}:"
        return f"{label} {esc(text)}{context}"
    if item.status.abstained:
        return esc(item.answer or T.REFUSAL)
    return esc(text)


@dataclass
class NumberedNote:
    """Note items with their answers renumbered note-wide."""

    texts: list[str] = field(default_factory=list)  # answer text per item, markers renumbered
    item_refs: list[list[int]] = field(default_factory=list)  # reference numbers per item
    item_maps: list[dict[int, int]] = field(default_factory=list)  # per item: its own n -> note number
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

        text = close_gaps(WRITTEN_MARKER.sub(renumber, item.answer))
        out.texts.append(text)
        out.item_refs.append(sorted(set(local.values())))
        out.item_maps.append(dict(local))
    out.sources = list(seen_letters.values())
    return out


def edit_item(item: NoteItem, text: str, shown: Mapping[int, int]) -> tuple[NoteItem, list[int]]:
    """The item with its answer text as the user rewrote it in the note.

    `text` carries the markers as the note shows them (note-wide numbers;
    `shown` maps the item's own n to them, NumberedNote.item_maps). They are
    mapped back to the item's own numbers, so reordering the note renumbers
    them as before. A marker the answer had and the new text lacks drops its
    reference; a marker that belongs to no reference of this item is left
    out and returned, for the user to hear about. Citations the answer never
    marked (a partial answer's context) stay."""
    text = text.strip()
    if not text:
        raise InputError("Een lege tekst kan niet worden opgeslagen.", "Verwijder het onderdeel als het weg mag.")
    if len(text) > MAX_EDIT_CHARS:
        raise InputError(f"De tekst is te lang ({len(text):,} tekens).".replace(",", "."),
                         f"Maximaal {MAX_EDIT_CHARS:,} tekens per antwoord.".replace(",", "."))
    back = {note_n: own for own, note_n in shown.items()}
    unknown: list[int] = []

    def own_number(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n in back:
            return f"[{back[n]}]"
        unknown.append(n)
        return ""

    text = close_gaps(WRITTEN_MARKER.sub(own_number, text))
    marked_before = {int(m.group(1)) for m in WRITTEN_MARKER.finditer(item.answer)}
    marked_now = {int(m.group(1)) for m in WRITTEN_MARKER.finditer(text)}
    citations = tuple(c for c in item.citations if c.n in marked_now or c.n not in marked_before)
    return replace(item, answer=text, citations=citations, edited=True), unknown


def note_markdown(title: str, intro: str, items: Sequence[NoteItem],
                  present: Collection[str] | None = None) -> str:
    """The briefing note as Markdown: title, intro, Q&As in order, numbered
    references and the list of letters used. `present`: the corpus's letter
    ids, to mark references whose letter has been removed since."""
    num = number_note(items)
    lines = [f"# {title.strip() or T.NOTE_TITLE}", ""]
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
        lines += [f"[{c.n}] {md_escape(reference_text(c, gone(c, present)))}  " for c in num.references]
        lines += [""]
    if num.sources:
        lines += ["## Bronnen", ""]
        lines += [f"- {md_escape(source_text(*s))}" for s in num.sources]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"


def gone(c: Citation, present: Collection[str] | None) -> bool:
    """Whether a reference's letter has left the corpus (None: not known)."""
    return present is not None and c.letter_id not in present


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


def note_docx(title: str, intro: str, items: Sequence[NoteItem], present: Collection[str] | None = None,
              now: datetime | None = None) -> bytes:
    """The briefing note as a Word document fit for a ministry: A4, Dutch
    (nl-NL) as the document's and the spelling checker's language, the
    note's title and today's date in its properties, no author (python-docx's
    template would say "python-docx", created 2013)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    num = number_note(items)
    doc = Document()
    now = now or datetime.now(timezone.utc)
    props = doc.core_properties
    props.title = title.strip() or T.NOTE_TITLE
    props.language = "nl-NL"
    props.author = props.last_modified_by = ""
    props.comments = "Gemaakt met de Briefingassistent Kamerbrieven"
    props.created = props.modified = now.astimezone(timezone.utc).replace(tzinfo=None)  # stored as UTC
    props.revision = 1
    for section in doc.sections:  # A4 with 25 mm margins (the template is US Letter)
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25)
    # The proofing language of every run: the default run properties' w:lang.
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "nl-NL")  # Latin script; the East Asian and bidi defaults stay
    doc.add_heading(props.title, level=0)
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
            p.add_run(reference_text(c, gone(c, present)))
            p.paragraph_format.space_after = Pt(4)
    if num.sources:
        doc.add_heading("Bronnen", level=1)
        for s in num.sources:
            doc.add_paragraph(source_text(*s), style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
