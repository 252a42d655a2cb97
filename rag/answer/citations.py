"""Citation markers in generated answers -> verified, verbatim Citations.

A model's [n] markers are claims about sources; nothing here trusts them. Every
marker is checked against the passages the model was actually shown, and the
quote attached to a citation is always a sentence cut out of the chunk text
itself, never text the model produced. Shared by the extractive and the
generative answerer so both give the UI the same kind of Citation.

Marker syntax accepted by `parse_markers` (what models actually emit):
    [1]  [2, 3]  [2,3]  [1][3]  [1-2]  [1–3]  [1, 3-4]  [bron 2]  [passage 2]
A range expands to every number in it; a range wider than _MAX_RANGE is taken
as its two end points only, so "[1-2021]" cannot produce thousands of numbers.
Anything else in brackets (years in prose such as "[2021]" are still markers
and simply fail validation, "[sic]", "[a]") is not a marker.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from rag import textnl
from rag.records import Citation, Passage
from rag.ingest.sentences import sentence_spans
from rag.textnl import content_words

NO_VALID_CITATION = "Antwoord zonder geldige bronverwijzing"
UNSUPPORTED = "Beweringen die de geciteerde passage niet draagt, controleer ze"
# Share of a claim's content words (stemmed) its cited passage must hold.
MIN_SUPPORT = 0.6


def token_overlap(claim: str, source: str, tokenize=None) -> float:
    """Share of the claim's distinct content tokens that occur in source
    (the eval's faithfulness uses this too)."""
    tokenize = tokenize or textnl.tokenize
    c = set(tokenize(claim))
    if not c:
        return 1.0  # nothing to support ("Ja.")
    return len(c & set(tokenize(source))) / len(c)

_MAX_RANGE = 10
_NUM = r"\d{1,4}"
_ITEM = rf"{_NUM}(?:\s*[-–]\s*{_NUM})?"
MARKER = re.compile(
    rf"\[\s*(?:(?:bron|passage|source)\s*)?({_ITEM}(?:\s*[,;]\s*{_ITEM})*)\s*\]",
    flags=re.IGNORECASE,
)
# One or more markers in a row ("... Peru. [1][2]"), with the space before them.
MARKER_RUN = re.compile(rf"(?:\s*{MARKER.pattern})+", flags=re.IGNORECASE)
# The form answers are written in: one number per bracket (finalize, extractive).
WRITTEN_MARKER = re.compile(r"\[(\d{1,4})\]")
_TOKEN = re.compile(r"\w+", flags=re.UNICODE)

def parse_markers(text: str) -> list[int]:
    """Every passage number cited in text, in order of first appearance."""
    seen: dict[int, None] = {}
    for m in MARKER.finditer(text):
        for n in _expand(m.group(1)):
            seen.setdefault(n, None)
    return list(seen)


def strip_markers(text: str) -> str:
    """The answer text without its markers, whitespace squashed."""
    return " ".join(MARKER_RUN.sub(" ", text).split())


def close_gaps(text: str) -> str:
    """The space a removed or renumbered-away marker leaves before
    punctuation or a line end ("claim [3]." -> "claim ." -> "claim.")."""
    return re.sub(r"[ \t]+(?=[.,;:!?)]|$)", "", text, flags=re.M)


def _expand(body: str) -> list[int]:
    numbers: list[int] = []
    for item in re.split(r"\s*[,;]\s*", body.strip()):
        ends = [int(x) for x in re.split(r"\s*[-–]\s*", item)]
        lo, hi = ends[0], ends[-1]
        if len(ends) == 2 and lo <= hi and hi - lo <= _MAX_RANGE:
            numbers.extend(range(lo, hi + 1))
        else:
            numbers.extend(dict.fromkeys(ends))
    return numbers


def quote_for(chunk_text: str, claim: str) -> str:
    """The sentence of chunk_text sharing the most content words with claim.

    Returned verbatim (a slice of chunk_text). Ties go to the denser sentence,
    then the earlier one; with no overlap at all the first sentence stands in,
    since the passage was cited even if the wording drifted.
    """
    spans = sentence_spans(chunk_text)
    if not spans:
        return chunk_text.strip()
    wanted = content_words(claim)

    def score(span: tuple[int, int]) -> tuple[int, float, int]:
        words = content_words(chunk_text[span[0] : span[1]])
        hits = len(words & wanted)
        return hits, hits / (len(words) or 1), -span[0]

    a, b = max(spans, key=score)
    return chunk_text[a:b]


def citation_from(
    passage: Passage,
    n: int,
    quote: str,
    page_starts: Mapping[int, int] | None = None,
) -> Citation:
    """A Citation for passage number n quoting `quote` from its chunk.

    page_starts (page number -> offset in the cleaned letter text where that
    page begins) lets a quote in a chunk spanning pages get the page it is
    really on; without it the chunk's first page is the honest fallback.
    """
    c = passage.chunk
    first, last = _quote_pages(passage, quote, page_starts)
    return Citation(
        n=n,
        chunk_id=c.chunk_id,
        letter_id=c.letter_id,
        title=c.title,
        kamerstuk=c.kamerstuk,
        date=c.date,
        page=first,
        quote=quote,
        page_end=last if last != first else 0,
    )


def _quote_pages(passage: Passage, quote: str, page_starts: Mapping[int, int] | None) -> tuple[int, int]:
    """The pages a quote's first and last characters are on."""
    c = passage.chunk
    if len(c.pages) < 2 or not page_starts:
        return c.page, c.page
    at = c.text.find(quote)
    known = sorted((page_starts[p], p) for p in c.pages if p in page_starts)
    if at < 0 or not known:
        return c.page, c.page
    offsets = [off for off, _ in known]

    def page_of(offset: int) -> int:
        i = bisect_right(offsets, offset) - 1
        return known[i][1] if i >= 0 else c.page

    return page_of(c.start + at), page_of(c.start + at + max(len(quote.rstrip()) - 1, 0))


def finalize_generated(
    answer_text: str,
    passages: Sequence[Passage],
    page_starts: Mapping[str, Mapping[int, int]] | None = None,
) -> tuple[str, list[Citation], list[str]]:
    """Validate a generated answer's markers and attach verbatim quotes.

    Returns (text, citations, warnings). Markers are rewritten in the canonical
    "[1][3]" form so the UI has one pattern to link; numbers stay the passage
    numbers the model saw (no renumbering, so [2] in the text is passage 2).
    page_starts (letter_id -> page -> offset, see citation_from) is optional.
    Markers naming no passage are removed and reported. One Citation per cited
    passage, sorted by n, quoting the chunk sentence closest to the answer
    sentences that cite it.
    """
    valid = range(1, len(passages) + 1)
    removed: list[int] = []

    def rewrite(m: re.Match[str]) -> str:
        kept: list[int] = []
        for n in _expand(m.group(1)):
            if n in valid:
                if n not in kept:
                    kept.append(n)
            elif n not in removed:
                removed.append(n)
        return "".join(f"[{n}]" for n in kept)

    text = close_gaps(MARKER.sub(rewrite, answer_text))
    text = re.sub(r"[ \t]{2,}", " ", text).strip()

    claims = _claims_by_marker(text)
    citations = []
    for n in sorted(claims):
        p = passages[n - 1]
        quote = quote_for(p.chunk.text, " ".join(claims[n]))
        citations.append(citation_from(p, n, quote, (page_starts or {}).get(p.chunk.letter_id)))

    warnings: list[str] = []
    cited_by: dict[str, set[int]] = {}
    for n, texts in claims.items():
        for claim in texts:
            cited_by.setdefault(claim, set()).add(n)
    unsupported = sorted({n for claim, ns in cited_by.items()
                          if not any(token_overlap(claim, passages[n - 1].chunk.text) >= MIN_SUPPORT for n in ns)
                          for n in ns})
    if unsupported:
        # A model that followed an instruction inside a passage, or drifted,
        # writes claims its cited passages do not carry: the user must see it.
        warnings.append(UNSUPPORTED + ": " + ", ".join(f"[{n}]" for n in unsupported))
    if removed:
        listed = ", ".join(f"[{n}]" for n in removed)
        warnings.append(
            f"Verwijzingen naar niet-bestaande passages verwijderd: {listed} "
            f"(er waren {len(passages)} passages)"
        )
    if not citations:
        warnings.append(NO_VALID_CITATION)
    return text, citations, warnings


def _claims_by_marker(text: str) -> dict[int, list[str]]:
    """Passage number -> the answer sentences (markers stripped) citing it.

    A marker opening a sentence ("... Peru. [1]") belongs to the sentence
    before it: models put markers after the full stop about as often as before.
    """
    spans = sentence_spans(text)
    claims: dict[int, list[str]] = {}
    for m in MARKER.finditer(text):
        i = _sentence_index(spans, m.start())
        if i > 0 and not _TOKEN.search(MARKER.sub("", text[spans[i][0] : m.start()])):
            i -= 1
        claim = MARKER.sub("", text[spans[i][0] : spans[i][1]]).strip() if spans else ""
        for n in _expand(m.group(1)):
            bucket = claims.setdefault(n, [])
            if claim not in bucket:
                bucket.append(claim)
    return claims


def _sentence_index(spans: list[tuple[int, int]], pos: int) -> int:
    starts = [a for a, _ in spans]
    return max(bisect_right(starts, pos) - 1, 0)
