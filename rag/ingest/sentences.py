"""Dutch sentence boundaries as character spans.

Spans (not strings) so callers can quote the exact original text and keep
offsets into the cleaned letter. Shared by the chunker (sentence-aligned
overlap), the extractive answerer and the LLM citation checker.
"""
from __future__ import annotations

import re

# Abbreviations whose trailing dot does not end a sentence in these letters.
_ABBREVIATIONS = {
    "o.a", "bijv", "nr", "nrs", "jl", "e.d", "ca", "mln", "mld", "mrd", "art",
    "m.b.t", "i.v.m", "t.a.v", "m.n", "d.w.z", "z.g", "resp", "incl", "excl",
    "blz", "p", "pag", "vgl", "zgn", "dhr", "mevr", "prof", "dr", "mr", "ir",
    "drs", "st", "e.a", "etc", "o.m", "t.b.v", "i.c.m", "a.s", "n.a.v", "vs",
    "min", "max", "ongev", "bv", "m.i.v", "t/m", "d.d",
}

# A candidate end: . ! ? or ; is not an end. Followed by optional closing quote
# or bracket, then whitespace, then something that can start a sentence.
# A question or exclamation may carry its footnote number after the mark
# ("... het bericht «...»?1 Wat is uw reactie?"); a full stop's number comes
# before it ("aangeboden1."), and digits after a dot are a decimal or a section.
_END = re.compile(r"(?:[.…][\"'”’)\]]*|[!?][\"'”’)\]]*(?:\d{1,2}(?:\s\d{1,2})?)?)"
                  r"(?=\s+[\"'“‘(\[]?[A-Z0-9ÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜĲ•–-])")
_WORD_BEFORE = re.compile(r"([\w./]+)$")


# A list number ("3. Downstream ...") right after the end of a previous item
# or a caption (";", ")", possibly with a footnote number between), where the
# paragraph break was lost in extraction.
_ITEM_AFTER = re.compile(r"(?:(?<=[;)]\s)|(?<=[;)]\d\s)|(?<=[;)]\d\d\s))(?=\d{1,2}\.\s+[A-Z])")

# How far before a full stop the abbreviation check looks: no abbreviation
# or initials run is longer, and a bounded look keeps splitting linear in
# the length of the text (searching from 0 made it quadratic).
_LOOKBACK = 64


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - _LOOKBACK), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Initials such as "D.M. van Weel" or "D. Yeşilgöz": single capital letter.
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", word)) and text[m.start()].isupper()


def _inside_quote(text: str, a: int, at: int) -> bool:
    """Is position `at` inside a double or guillemet quotation opened since
    `a` and not yet closed (within the same stretch of text)?"""
    seg = text[a:at]
    return seg.count("“") > seg.count("”") or seg.count("«") > seg.count("»")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of sentences within text[start:end], whitespace trimmed.

    Paragraph breaks (blank lines) always end a sentence, so headings and list
    items are never glued to the next paragraph.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"(?:(?!\n[ \t]*\n).)+", text[start:end], flags=re.S):
        p0, p1 = start + para.start(), start + para.end()
        cur = p0
        ends = sorted([(m.start(), m.end(), True) for m in _END.finditer(text, p0, p1)]
                      + [(m.start(), m.start(), False) for m in _ITEM_AFTER.finditer(text, p0, p1)])
        for at, stop, dotted in ends:
            if not dotted:
                # A numbered item glued to the end of the previous one
                # (a lost paragraph break): the number opens a new sentence.
                if stop > cur:
                    spans.append((cur, stop))
                    cur = stop
                continue
            if stop <= cur:
                continue
            if _inside_quote(text, cur, at):
                continue  # a title in quotes keeps its own full stop: “Vooruitkijken. Een verkenning ...”
            if text[at] == "." and (
                _is_abbreviation(text, at)
                # "1. Upstream disruption ..." : a list number is no sentence
                or re.fullmatch(r"\s*(?:\d{1,2}|[a-z])", text[cur:at])
            ):
                continue
            spans.append((cur, stop))
            cur = stop
        spans.append((cur, p1))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
