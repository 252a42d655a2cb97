"""What a chat answer and its sources look like in the Streamlit app.

- a letter's metadata in Dutch (date, Kamerstuk, reference and source lines);
- answer text with [n] markers (rag.answer.citations.WRITTEN_MARKER) as anchor links
  to source cards, the cards with the quoted sentence marked, passage cards
  after a refusal, a letter page;
- escaping for HTML and Markdown, the partial-answer label, the rewritten
  question to show, sentence-by-sentence reveal, search-mode labels.

All letter text is passed through html.escape before it is put in HTML.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date as _date

from rag.answer.citations import WRITTEN_MARKER
from rag.filters import dossier_of, sender_of
from rag.records import Answer, Citation, Letter, Passage
from rag.textnl import MONTHS_NL, fold

# About this many characters of the passage either side of a card's quotes,
# cut at a word with "…".
CARD_CONTEXT = 320
# The quote a source card's page link carries (a sentence; capped for the URL).
MAX_LINK_QUOTE = 400
# A note reference whose letter was removed from the corpus after it was taken.
LETTER_GONE = "brief niet meer in het corpus"

MODE_LABELS = {
    "hybrid": "hybride (betekenis + trefwoorden)",
    "dense": "dense (betekenis)",
    "bm25": "BM25 (trefwoorden)",
}


# --------------------------------------------------------------- metadata
def dutch_date(iso: str) -> str:
    """'2022-11-10' -> '10 november 2022'; '' -> '' (a reference leaves out
    what a letter does not state rather than print "onbekend")."""
    if not iso:
        return ""
    try:
        d = _date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


def dutch_datetime(iso: str) -> str:
    """An ISO timestamp (UTC) as Dutch local time: '7 december 2026 14:05'."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        t = datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Amsterdam"))
    except ValueError:
        return iso
    return f"{dutch_date(t.date().isoformat())} {t:%H:%M}"


def seconds_label(seconds: float) -> str:
    """'0,35 s' under a second (tenths would say 0,0 for a fast answer), '2,4 s' above."""
    return (f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s").replace(".", ",")


def kamerstuk_label(kamerstuk: str) -> str:
    return f"Kamerstuk {kamerstuk}" if kamerstuk else ""


def _stated(*parts: str) -> list[str]:
    return [p for p in parts if p]


def reference_text(c: Citation, gone: bool = False) -> str:
    """One reference line: title, Kamerstuk and date where the letter states
    them, page, quote; `gone`: the letter has left the corpus since."""
    head = ", ".join(_stated(c.title, kamerstuk_label(c.kamerstuk), dutch_date(c.date), f"p. {c.page_label}"))
    return f"{head}: “{c.quote}”" + (f" ({LETTER_GONE})" if gone else "")


def source_text(title: str, kamerstuk: str, date: str) -> str:
    return ", ".join(_stated(title, kamerstuk_label(kamerstuk), dutch_date(date)))


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


def _clip_start(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return "… " + cut.split(" ", 1)[-1] if " " in cut else "… " + cut


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


def meta_line_html(title: str, kamerstuk: str, date: str, page: int | str | None, href: str = "") -> str:
    """A card's title and the metadata the letter states (nothing for what it
    does not); `href`: a link to that page in the letters view."""
    parts = [esc(x) for x in _stated(kamerstuk_label(kamerstuk), dutch_date(date))]
    if page:
        parts.append(f'<a href="{esc(href)}" target="_blank" title="Deze pagina in Brieven openen">p. {page} ↗</a>'
                     if href else f"p. {page}")
    meta = f'<div class="rag-card-meta">{" · ".join(parts)}</div>' if parts else ""
    return f'<div class="rag-card-title">{esc(title)}</div>{meta}'


def _quote_spans(text: str, quotes: Sequence[str]) -> list[tuple[int, int]]:
    """Where each quote stands in text, sorted, overlaps merged (quotes not
    found are left out)."""
    spans = sorted(s for s in (_find_loose(text, q) for q in quotes) if s)
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _marked_html(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """text[start:end] as HTML with the spans (sorted, apart) in <mark>."""
    out, pos = [], start
    for a, b in spans:
        out += [_paragraphs_html(text[pos:a]), f"<mark>{_paragraphs_html(text[a:b])}</mark>"]
        pos = b
    return "".join(out) + _paragraphs_html(text[pos:end])


def source_card_html(cites: Sequence[Citation], passage_text: str, msgid: str, href: str = "") -> str:
    """One card per passage: the markers [n] that cite it (each one an
    anchor the answer links to), letter, Kamerstuk, date and page, and the
    passage with every quoted sentence in <mark>."""
    first = cites[0]
    text = passage_text or " ".join(c.quote for c in cites)
    spans = _quote_spans(text, [c.quote for c in cites])
    if not spans:  # quotes not found in the passage text: show the quotes themselves
        body = " ".join(f"<mark>{_paragraphs_html(c.quote)}</mark>" for c in cites)
    else:
        body = (_paragraphs_html(_clip_start(text[:spans[0][0]], CARD_CONTEXT))
                + _marked_html(text, spans, spans[0][0], spans[-1][1])
                + _paragraphs_html(_clip_end(text[spans[-1][1]:], CARD_CONTEXT)))
    # The first marker's anchor is the card's id; the others are anchors in it
    # (the card is highlighted through :has(:target), rag-card in the app's CSS).
    anchors = "".join(f'<span id="{anchor_id(msgid, c.n)}"></span>' for c in cites[1:])
    numbers = "".join(f"[{c.n}]" for c in cites)
    pages = sorted({c.page_label for c in cites}, key=lambda x: int(x.split("–")[0]))
    return (
        f'<div class="rag-card" id="{anchor_id(msgid, first.n)}">{anchors}'
        f'<span class="rag-card-n">{numbers}</span>'
        f"{meta_line_html(first.title, first.kamerstuk, first.date, ', '.join(pages), href)}"
        f'<div class="rag-card-text">{body}</div>'
        f"</div>"
    )


def cards_by_passage(cites: Sequence[Citation]) -> list[list[Citation]]:
    """Citations grouped by the passage they quote, in order of first marker."""
    groups: dict[str, list[Citation]] = {}
    for c in cites:
        groups.setdefault(c.chunk_id, []).append(c)
    return list(groups.values())


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


def letter_page_html(text: str, quotes: Sequence[str] = ()) -> str:
    """A letter's page, with the quotes (a source card's, opened from its
    link) in <mark>; a quote not found whole on the page (one that runs onto
    the next) leaves the page unmarked."""
    spans = _quote_spans(text, [q for q in quotes if q.strip()])
    return f'<div class="rag-page">{_marked_html(text, spans, 0, len(text))}</div>'


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
                page: int = 1, per_page: int = 25, in_text: Collection[str] = (),
                pinned: Sequence[str] = ()) -> LetterPage:
    """The Brieven view over hundreds of letters: every search word must
    occur (diacritics and case ignored) in the title, id, Kamerstuk,
    dossier, type, sender, date or note, or the letter is one of `in_text`
    (the ids whose text holds the words, Library.letters_with_text); then
    sorted and one page cut out. `pinned` letters (just added) come first
    whatever the search."""
    words = fold(search).split()

    def hay(x: Letter) -> str:
        return fold(" ".join((x.title, x.letter_id, x.kamerstuk, dossier_of(x), x.dossier_title, x.kind,
                              sender_of(x), x.date, dutch_date(x.date), x.note)))

    in_text, first = set(in_text), [x for x in letters if x.letter_id in set(pinned)]
    found = first + _ordered([x for x in letters if x not in first
                              and (x.letter_id in in_text or all(w in hay(x) for w in words))], sort)
    pages = max(1, -(-len(found) // per_page))
    page = min(max(1, page), pages)
    return LetterPage(found[(page - 1) * per_page: page * per_page], len(found), page, pages)


def letter_label(x: Letter) -> str:
    """A letter in a picker: its title with what tells letters of one title
    apart (Kamerstuk, else date), never cut."""
    extra = x.kamerstuk or dutch_date(x.date)
    return f"{x.title} ({extra})" if extra and extra not in x.title else x.title


def letter_rows(letters: Sequence[Letter]) -> list[dict[str, str]]:
    """The Brieven table: what each letter states about itself; a value it
    does not state is an empty cell (not "onbekend": nothing is known)."""
    return [{"Titel": x.title, "Kamerstuk": x.kamerstuk, "Dossier": dossier_of(x), "Soort": x.kind,
             "Datum": dutch_date(x.date) if x.date else "", "Afzender": sender_of(x), "Toelichting": x.note}
            for x in letters]
