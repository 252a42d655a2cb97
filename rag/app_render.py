"""What a chat answer and its sources look like in the Streamlit app.

- a letter's metadata in Dutch (date, Kamerstuk, reference and source lines);
- answer text with [n] markers (rag.citations.WRITTEN_MARKER) as anchor links
  to source cards, the cards with the quoted sentence marked, passage cards
  after a refusal, a letter page;
- escaping for HTML and Markdown, the partial-answer label, the rewritten
  question to show, sentence-by-sentence reveal, search-mode labels.

All letter text is passed through html.escape before it is put in HTML.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as _date

from .citations import WRITTEN_MARKER
from .filters import dossier_of, sender_of
from .records import Answer, Citation, Letter, Passage
from .textnl import MONTHS_NL, fold

PARTIAL_LABEL = "Gedeeltelijk antwoord"

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
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


def kamerstuk_label(kamerstuk: str) -> str:
    return f"Kamerstuk {kamerstuk}" if kamerstuk else "geen Kamerstuknummer"


def reference_text(c: Citation) -> str:
    """One reference line: title, Kamerstuk, date, page, quote."""
    return f"{c.title}, {kamerstuk_label(c.kamerstuk)}, {dutch_date(c.date)}, p. {c.page_label}: “{c.quote}”"


def source_text(title: str, kamerstuk: str, date: str) -> str:
    return f"{title}, {kamerstuk_label(kamerstuk)}, {dutch_date(date)}"


# -------------------------------------------------------------- escaping
def esc(text: str) -> str:
    """HTML-escape, and keep Streamlit's markdown from reading $…$ as maths."""
    return html.escape(text, quote=True).replace("$", "&#36;")


def md_escape(text: str) -> str:
    """Keep letter text literal in Markdown (no emphasis, headings, links)."""
    return re.sub(r"([\\`*_{}<>#|~$])", r"\\\1", text)


# -------------------------------------------------------------- rendering
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


def shown_standalone(answer: Answer) -> str | None:
    """The rewritten question to show ("Gezocht als: …"), when it differs."""
    s = (answer.standalone_question or "").strip()
    if s and " ".join(s.split()).casefold() != " ".join(answer.question.split()).casefold():
        return s
    return None


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


def meta_line_html(title: str, kamerstuk: str, date: str, page: int | str | None) -> str:
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
        f"{meta_line_html(c.title, c.kamerstuk, c.date, c.page_label)}"
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


# ------------------------------------------------------------ letter list
LETTER_SORTS = ("nieuwste eerst", "oudste eerst", "titel (A–Z)")


def _ordered(letters: Sequence[Letter], sort: str) -> list[Letter]:
    """Letters in the chosen order; by date, the undated ones come last."""
    if sort == "titel (A–Z)":
        return sorted(letters, key=lambda x: (x.title.lower(), x.date))
    dated = sorted((x for x in letters if x.date), key=lambda x: (x.date, x.title.lower()),
                   reverse=sort != "oudste eerst")
    return dated + sorted((x for x in letters if not x.date), key=lambda x: x.title.lower())


@dataclass(frozen=True)
class LetterPage:
    letters: list[Letter]  # this page, sorted
    matches: int  # letters the search finds
    page: int  # 1-based, clamped to the pages there are
    pages: int


def letter_page(letters: Sequence[Letter], search: str = "", sort: str = "nieuwste eerst",
                page: int = 1, per_page: int = 25) -> LetterPage:
    """The Brieven view over hundreds of letters: every search word must
    occur (diacritics and case ignored) in the title, id, Kamerstuk,
    dossier, type, sender, date or note; then sorted and one page cut out."""
    words = fold(search).split()

    def hay(x: Letter) -> str:
        return fold(" ".join((x.title, x.letter_id, x.kamerstuk, dossier_of(x), x.dossier_title, x.kind,
                              sender_of(x), x.date, dutch_date(x.date), x.note)))

    found = _ordered([x for x in letters if all(w in hay(x) for w in words)], sort)
    pages = max(1, -(-len(found) // per_page))
    page = min(max(1, page), pages)
    return LetterPage(found[(page - 1) * per_page: page * per_page], len(found), page, pages)


def letter_rows(letters: Sequence[Letter]) -> list[dict[str, str]]:
    """The Brieven table: what each letter states about itself; a value it
    does not state is an empty cell (not "onbekend": nothing is known)."""
    return [{"Titel": x.title, "Kamerstuk": x.kamerstuk, "Dossier": dossier_of(x), "Soort": x.kind,
             "Datum": dutch_date(x.date) if x.date else "", "Afzender": sender_of(x), "Toelichting": x.note}
            for x in letters]
