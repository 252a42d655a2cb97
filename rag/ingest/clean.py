"""Clean PDF-extracted letter text: pages, footnotes, running headers, hyphens.

The extraction these letters went through leaves:
- a new page starting with a line that begins with a space (or, in some
  letters, after a run of five or more blank lines);
- footnotes at a page's foot, numbered in sequence through the letter, that
  cut sentences in two where a sentence continues on the next page;
- running headers such as "Tweede Kamer, vergaderjaar 2021–2022, 29 911,
  nr. 355 6" in the middle of the body;
- words hyphenated across line breaks, and blank lines in mid-sentence.

`clean_letter` returns the body as paragraphs of running text, with a map from
every cleaned character back to the raw file so a quote can be traced to the
exact original span, page starts, footnotes (searchable, linked to their page)
and headings.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from rag.records import Footnote

CLEANER_VERSION = "clean-5"

_RUNNING_HEADER = re.compile(
    r"^\s*Tweede Kamer, vergaderjaar (\d{4})[–-](\d{4}), ([\d ]+[A-Z]*), nr\. (\d+)\s+(\d+)\s*$"
)
_FOOTNOTE_START = re.compile(r"^\s?(\d{1,2})(\)?) (\S.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-–•]\s|\d{1,2}\.\s|[a-z]\)\s)")
_TERMINAL = tuple(".?!:;")
_VOWELS = set("aeiouy")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class RunningHeader:
    text: str
    vergaderjaar: str
    kamerstuk: str  # "29 911, nr. 355"
    page_label: str


@dataclass
class CleanText:
    text: str
    raw_pos: list[int]  # raw_pos[i] = offset in the raw file of text[i]
    page_starts: list[int]  # clean offsets where page 1, 2, ... start
    footnotes: list[Footnote] = field(default_factory=list)
    headers: list[RunningHeader] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, heading)
    raw: str = ""
    # (start, end, kind) spans that are letter furniture, not content: letterhead,
    # "Datum/Onderwerp" lines, salutation, signature, document header. Still
    # searchable text, never an answer sentence.
    furniture: list[tuple[int, int, str]] = field(default_factory=list)

    def page_at(self, offset: int) -> int:
        return max(1, bisect_right(self.page_starts, offset))

    def pages_for(self, start: int, end: int) -> tuple[int, ...]:
        return tuple(range(self.page_at(start), self.page_at(max(start, end - 1)) + 1))

    def section_at(self, offset: int) -> str:
        i = bisect_right([o for o, _ in self.headings], offset)
        return self.headings[i - 1][1] if i else ""

    def raw_span(self, start: int, end: int) -> str:
        """The original text behind text[start:end] (line breaks, hyphens and all)."""
        if end <= start:
            return ""
        return self.raw[self.raw_pos[start] : self.raw_pos[end - 1] + 1]


@dataclass
class _Line:
    text: str  # without the newline
    offset: int  # raw offset of text[0]
    page: int


def _split_lines(raw: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for line in raw.splitlines(keepends=True):
        out.append((line.rstrip("\r\n"), pos))
        pos += len(line)
    return out


def _is_blank(s: str) -> bool:
    return not s.strip()


# A page starts with an indented line followed by flush ones; when this many
# indented lines directly follow another indented line, indentation is the
# layout of the text (a saved web page, hard-wrapped and indented), not the
# page-start signal.
INDENT_RUNS = 3


def _paginate(lines: list[tuple[str, int]]) -> list[list[_Line]]:
    """Group lines into pages (see the module doc for the two break signals)."""
    pages: list[list[_Line]] = [[]]
    blank_run = 0
    after_footer = False
    nonblank = [t[:1].isspace() for t, _ in lines if t.strip()]
    indent_signals = sum(a and b for a, b in zip(nonblank, nonblank[1:])) < INDENT_RUNS
    for text, off in lines:
        starts_page = indent_signals and bool(text[:1].isspace() and text.strip())
        # The "Tweede Kamer, vergaderjaar ..., nr. 355 6" line is a page footer.
        if (blank_run >= 5 or after_footer) and not starts_page and text.strip() and pages[-1]:
            pages.append([])
        if text.strip():
            after_footer = bool(_RUNNING_HEADER.match(text))
        if starts_page and any(not _is_blank(line.text) for line in pages[-1]):
            pages.append([])
        blank_run = blank_run + 1 if _is_blank(text) else 0
        pages[-1].append(_Line(text, off, len(pages)))
    # A "page" of one short line is letterhead residue (e.g. "en ons kenmerk
    # vermelden."), not a page of the letter: fold it into its neighbour.
    merged: list[list[_Line]] = []
    for page in pages:
        body = [line for line in page if not _is_blank(line.text)]
        if merged and len(body) == 1 and len(page) == 1 and len(body[0].text.strip()) < 40:
            merged[-1].extend(_Line("", line.offset, 0) for line in page)  # dropped as blank
            continue
        merged.append(page)
    for n, page in enumerate(merged, start=1):
        for line in page:
            line.page = n
    return merged


def _split_footnotes(page: list[_Line], expected: dict[str, int]) -> tuple[list[_Line], list[tuple[str, str, list[_Line]]]]:
    """Separate the footnote block at the foot of a page from its body.

    A block starts at a line "N text" (or "N) text") where N is the next
    footnote number in the letter's sequence, and runs to the page's end;
    requiring the sequence keeps body lines like "2023 zijn ..." in the body.
    """
    nonblank = [i for i, line in enumerate(page) if not _is_blank(line.text)]
    for pos, i in enumerate(nonblank):
        m = _FOOTNOTE_START.match(page[i].text)
        if not m or len(nonblank) - pos > 14:
            continue
        style = m.group(2)
        # Some footnotes were lost in extraction (e.g. 1 and 2), so allow a
        # small jump in the sequence.
        if not 0 <= int(m.group(1)) - expected.get(style, 1) <= 2:
            continue
        notes: list[tuple[str, str, list[_Line]]] = [(m.group(1), style, [page[i]])]
        nxt = dict(expected)
        nxt[style] = int(m.group(1)) + 1
        for line in page[i + 1 :]:
            fm = _FOOTNOTE_START.match(line.text)
            if fm and 0 <= int(fm.group(1)) - nxt.get(fm.group(2), 1) <= 1:
                nxt[fm.group(2)] = int(fm.group(1)) + 1
                notes.append((fm.group(1), fm.group(2), [line]))
            elif not _is_blank(line.text):
                notes[-1][2].append(line)
        expected.update(nxt)
        return page[:i], notes
    return page, []


def _vocabulary(raw: str) -> Counter:
    """Words that occur whole (not at a line-end hyphen) in the letter."""
    return Counter(w.lower() for w in _WORD.findall(re.sub(r"\w+-\n", " ", raw)))


def _hyphen_join(left: str, right: str, vocab: Counter) -> str:
    """How to join a line ending in '-' to the next: '' (drop), '-' or '- '."""
    before = left[:-1]
    m_left = re.search(r"([^\W\d_]+)$", before)
    m_right = re.match(r"([^\W\d_]+)", right)
    if not m_left or not m_right:
        return "-" if m_right or right[:1].isdigit() else "- "
    a, b = m_left.group(1), m_right.group(1)
    if b.lower() in {"en", "of", "tot", "and", "or", "noch"}:
        return "- "  # "bron- en transitlanden"
    if b[0].isupper() or any(ch.isupper() for ch in a[1:]):
        return "-"  # "motie-Hermans", "KMar-medewerkers", "EU-wetgeving"
    joined = (a + b).lower()
    if vocab.get(joined):
        return ""
    if vocab.get(a.lower()) and vocab.get(b.lower()) and (a + "-" + b).lower() in vocab:
        return "-"
    if a[-1].lower() in _VOWELS and b[0].lower() in _VOWELS:
        return "-"  # Dutch keeps the hyphen on a vowel clash: "informatie-uitwisseling"
    return ""


# A line ending in one of these continues on the next line: no heading.
_CONTINUATION_WORDS = {
    "de", "het", "een", "en", "of", "van", "voor", "met", "op", "in", "aan", "tussen",
    "tot", "om", "te", "door", "bij", "naar", "over", "uit", "als", "die", "dat", "dit",
    "deze", "zijn", "haar", "hun", "u", "uw", "we", "wij", "ik", "is", "wordt", "worden",
    "heeft", "hebben", "niet", "ook", "nog", "er", "zich", "waar", "wat", "hoe", "welke",
    "vanuit", "binnen", "onder", "tegen", "sinds", "zoals", "waarbij", "dan", "maar",
}


def _is_heading(line: str, prev: str, nxt: str, width: int = 90) -> bool:
    s = line.strip()
    words = s.split()
    if words and words[-1].lower() in _CONTINUATION_WORDS:
        return False
    if {"u", "uw"} & {w.lower() for w in words}:
        return False  # headings never address the reader; questions to the minister do
    if not s or len(s) > min(90, 0.8 * width) or s.endswith(_TERMINAL) or s.endswith(",") or s.endswith("-"):
        return False
    if not (s[0].isupper() or re.match(r"\d{1,2}\.\s+[A-Z]", s)):
        return False
    prev_s = prev.strip()
    prev_ok = not prev_s or prev_s.endswith(_TERMINAL)
    nxt_s = nxt.strip()
    return prev_ok and (not nxt_s or nxt_s[0].isupper() or nxt_s[0] in "–-•" or nxt_s[0].isdigit())


class _Builder:
    """Appends text while recording the raw offset of every character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.raw_pos: list[int] = []
        self.length = 0

    def add(self, text: str, raw_offset: int | None) -> None:
        if not text:
            return
        if raw_offset is None:  # inserted separator: point at the previous char
            last = self.raw_pos[-1] if self.raw_pos else 0
            self.raw_pos.extend([last] * len(text))
        else:
            self.raw_pos.extend(range(raw_offset, raw_offset + len(text)))
        self.parts.append(text)
        self.length += len(text)

    def trim_trailing_space(self) -> None:
        while self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.raw_pos.pop()
            self.length -= 1
            if not self.parts[-1]:
                self.parts.pop()

    def text(self) -> str:
        return "".join(self.parts)


# A number closing a short code in brackets is part of the code, not a
# footnote marker: "(C7)", "(G20)", "(EU27)".
_BRACKETED_CODE = re.compile(r"\([A-ZÀ-Ý]{1,5}\|\d{1,3}\)$")


def _strip_markers(lines: list[_Line], numbers: list[str]) -> list[tuple[_Line, list[tuple[int, int]]]]:
    """Find footnote markers glued to body words ("Nederland2 blijkt",
    "20221 heb ik") in letter order; return per line the spans to drop."""
    drops: dict[int, list[tuple[int, int]]] = {}
    queue = list(numbers)

    def marker(n: str) -> re.Pattern:
        return re.compile(r"(?:(?<=[^\W\d_][.,’”)])|(?<=[^\W\d_])|(?<=\b(?:19|20)\d\d))" + re.escape(n) + r"\)?(?=[.,;:)]?(?:\s|$))")

    for li, line in enumerate(lines):
        pos = 0
        while queue:
            # A marker may be missing from the body: look two numbers ahead.
            found = [(m, i) for i, n in enumerate(queue[:3]) if (m := marker(n).search(line.text, pos))
                     and not _BRACKETED_CODE.search(line.text[:m.start()] + "|" + m.group(0))]
            if not found:
                break
            m, i = min(found, key=lambda x: (x[0].start(), x[1]))
            drops.setdefault(li, []).append((m.start(), m.end()))
            pos = m.end()
            del queue[: i + 1]
    return [(line, drops.get(i, [])) for i, line in enumerate(lines)]


def clean_letter(raw: str, furniture_lines: Mapping[int, str] | None = None) -> CleanText:
    """`furniture_lines`: raw offset of the first character of each line the
    document's layout marks as furniture (rag.ingest.layout) -> its kind. Such a
    line stays visible as a paragraph of its own and is never joined to a
    sentence, a heading or a quote."""
    furn = dict(furniture_lines or {})
    raw = raw.replace("\r\n", "\n")
    pages = _paginate(_split_lines(raw))
    vocab = _vocabulary(raw)

    body: list[_Line] = []
    footnotes: list[Footnote] = []
    headers: list[RunningHeader] = []
    expected: dict[str, int] = {}
    for page in pages:
        body_lines = []
        for line in page:
            hm = _RUNNING_HEADER.match(line.text)
            if hm:
                headers.append(RunningHeader(line.text.strip(), f"{hm.group(1)}–{hm.group(2)}", f"{hm.group(3).strip()}, nr. {hm.group(4)}", hm.group(5)))
                line = _Line("", line.offset, line.page)
            body_lines.append(line)
        kept, notes = _split_footnotes(body_lines, expected)
        for number, _style, flines in notes:
            text = _join_plain([fl.text for fl in flines], vocab)
            text = re.sub(r"^\s?\d{1,2}\)?\s", "", text)
            footnotes.append(Footnote(number=number, text=text, page=page[0].page))
        body.extend(kept)

    # Markers of footnotes lost in extraction are glued to words too: strip
    # every number up to the highest footnote seen, in order.
    highest = max((int(f.number) for f in footnotes if f.number.isdigit()), default=0)
    marked = _strip_markers(body, [str(n) for n in range(1, highest + 1)])
    lengths = sorted(len(line.text.strip()) for line in body if line.text.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 90  # typical full line
    b = _Builder()
    page_starts: list[int] = []
    headings: list[tuple[int, str]] = []
    prev_text = ""  # previous non-blank body line (stripped)
    gap = False  # blank line(s) since the previous non-blank line
    prev_heading = False
    after_furniture = False
    marked_furniture: list[tuple[int, int, str]] = []
    for idx, (line, drops) in enumerate(marked):
        if _is_blank(line.text):
            gap = True
            continue
        fk = furn.get(line.offset + len(line.text) - len(line.text.lstrip())) if furn else None
        # Pieces of this line without glued footnote markers, as (text, raw offset).
        pieces, cur = [], 0
        for a, z in drops:
            pieces.append((line.text[cur:a], line.offset + cur))
            cur = z
        pieces.append((line.text[cur:], line.offset + cur))
        lead = len(pieces[0][0]) - len(pieces[0][0].lstrip())
        pieces[0] = (pieces[0][0][lead:], pieces[0][1] + lead)
        last_text, last_off = pieces[-1]
        pieces[-1] = (last_text.rstrip(), last_off)
        text = "".join(p for p, _ in pieces)
        nxt = next((ln.text for ln, _ in marked[idx + 1 :] if not _is_blank(ln.text)), "")

        if b.length:
            new_para = (
                fk is not None or after_furniture
                or prev_heading
                or _is_heading(text, prev_text, nxt, width)
                # A blank line ends a paragraph, except mid-sentence: the
                # extraction also leaves blank lines inside sentences.
                # (lowercase next line, or a long line cut mid-sentence before a name:
                # "het voornemen om vanuit" / "Caribisch Nederland").
                or (gap and not text[:1].islower()
                    and (prev_text.endswith(_TERMINAL) or len(prev_text) < 0.7 * width))
                # A Kamervraag ends in "?" and its answer may follow with no
                # blank line (e.g. across a page break).
                or (prev_text.endswith("?") and not text[:1].islower())
                or (_LIST_ITEM.match(text) and prev_text.endswith(_TERMINAL + (",",)))
            )
            if new_para:
                b.trim_trailing_space()
                b.add("\n\n", None)
            elif prev_text.endswith("-") and not prev_text.endswith(" -"):
                b.trim_trailing_space()
                join = _hyphen_join(prev_text, text, vocab)
                # Drop the hyphen already emitted, then add the chosen joiner.
                b.parts[-1] = b.parts[-1][:-1]
                b.raw_pos.pop()
                b.length -= 1
                b.add(join, None)
            else:
                b.trim_trailing_space()
                b.add(" ", None)
        while len(page_starts) < line.page:
            page_starts.append(b.length)
        heading = fk is None and _is_heading(text, prev_text, nxt, width)
        if heading:
            headings.append((b.length, re.sub(r"\s+", " ", text)))
        start = b.length
        for p, off in pieces:
            b.add(p, off)
        if fk is not None:
            marked_furniture.append((start, b.length, fk))
        prev_text, gap, prev_heading, after_furniture = text, False, heading, fk is not None

    out = b.text()
    return CleanText(
        text=out, raw_pos=b.raw_pos, page_starts=page_starts or [0], footnotes=footnotes,
        headers=headers, headings=headings, raw=raw, furniture=_merge(marked_furniture, furniture_spans(out)),
    )


def _merge(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The layout's furniture lines and the letter form's furniture
    paragraphs, in order; a span inside one already listed is dropped."""
    out: list[tuple[int, int, str]] = []
    for span in sorted(a + b):
        if out and span[0] >= out[-1][0] and span[1] <= out[-1][1]:
            continue
        out.append(span)
    return out


# The fixed parts of a Dutch government letter around its content. These are
# the conventions of the letter form (NEN 1026 / Rijkshuisstijl), not of any
# one letter.
_LETTERHEAD = re.compile(
    r"^(?:>\s*)?(?:Retouradres|Postadres|Bezoekadres|Aan (?:de|het) |Datum\b|Onderwerp\b|(?:Ons |Uw )?[Kk]enmerk\b|"
    r"Uw brief\b|Bijlage(?:\(n\)|n)?\b|Contactpersoon\b|Doorkiesnummer\b|Postbus\b|Telefoon\b|E-mail\b|"
    r"Hoogachtend\b|Met vriendelijke groet)"
)
_SALUTATION = re.compile(r"^Geachte [^,\n]{1,80},")
_SIGNATORY = re.compile(
    r"^(?:De |Het )?(?:[Mm]inister|[Ss]taatssecretaris|[Mm]inister-[Pp]resident)\b[^.\n]{0,100},(?:\s+[^\n]{0,60})?$")
_NAME_LINE = re.compile(r"^(?:[A-Z]\.\s?)+[^\n]{1,50}$|^[A-Z][^\s.]+(?: [^\s.]+){0,4}$")
# The header of a set of answered Kamervragen ("Vragen van de leden ... (ingezonden ...)"):
# it ends in its date. A sentence that names the questions with their date
# in passing ("dat de vragen van het lid X (ingezonden 3 mei) later worden
# beantwoord, omdat ...") is the minister's text.
_DOC_HEADER = re.compile(r"^(?:Vragen van (?:de leden|het lid)|Antwoord(?:en)? van )|\(ingezonden \d[^)]*\)\W*$")


def furniture_spans(text: str) -> list[tuple[int, int, str]]:
    """Paragraph spans of `text` that are letter furniture, with their kind."""
    out: list[tuple[int, int, str]] = []
    after_signatory = False
    for m in re.finditer(r"(?:(?!\n\n).)+", text, flags=re.S):
        para = m.group(0).strip()
        a = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        b = a + len(para)
        kind = ""
        if _LETTERHEAD.match(para):
            kind = "letterhead"
        elif _SIGNATORY.match(para) and len(para) < 170:
            kind = "signature"
        elif after_signatory and _NAME_LINE.match(para) and len(para.split()) <= 6:
            kind = "signature"
        elif _DOC_HEADER.search(para) and len(para) < 600:
            kind = "document header"
        else:
            sal = _SALUTATION.match(para)
            if sal:
                out.append((a, a + sal.end(), "salutation"))
        if kind:
            out.append((a, b, kind))
        after_signatory = kind == "signature"
    return out


def _join_plain(lines: list[str], vocab: Counter) -> str:
    """Join footnote lines into one string (no offset map needed)."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out.endswith("-") and not out.endswith(" -"):
            out = out[:-1] + _hyphen_join(out, line, vocab) + line
        else:
            out = f"{out} {line}" if out else line
    return re.sub(r"\s+", " ", out)
