"""Pure metric functions: text in, numbers out. No models, no I/O.

Each function is small enough to check against a hand-computed value
(tests/eval/test_eval_harness.py does). eval/scoring.py only applies them to
pipeline output (eval/run.py produces it).

Conventions
- A *relevance list* is one bool per retrieved passage, in rank order: True
  when that passage contains a gold evidence quote (`is_gold`).
- Per-question functions return None when the metric does not apply (no key
  facts, no citations); aggregates skip None, so "not applicable" never counts
  as 0 or 1.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

# One definition each for the product and the eval: the marker grammar, and
# the overlap behind the product's unsupported-claim warning.
from rag.answer.citations import MARKER_RUN, parse_markers, strip_markers, token_overlap  # noqa: F401

# --------------------------------------------------------------------------- text

# Hyphen-like characters a PDF extraction or a chunker may add, drop or split
# at a line end: ASCII hyphen-minus, soft hyphen, Unicode hyphen and
# non-breaking hyphen. Removing them all (with all whitespace) makes
# "georgani-\nseerde", "georganiseerde" and "FIU-\nNederland"/"FIU-Nederland"
# compare equal, whatever the cleaner decided about the hyphen.
_HYPHENS = "\u00ad\u2010\u2011-"  # "-" last: literal inside a character class
_LOOSE_DROP = re.compile(rf"[\s{_HYPHENS}]+")


def loose(text: str) -> str:
    """Matching form: NFKC, then every whitespace and hyphen character removed.

    Case is kept: the letters and the quotes use the same capitals, and
    folding case would only add false matches. NFKC (not NFC) so that
    ligatures and compatibility characters ("ﬁ", NBSP) match their plain form.
    """
    return _LOOSE_DROP.sub("", unicodedata.normalize("NFKC", text))


def squash(text: str) -> str:
    """Whitespace runs to one space, ends trimmed, letters composed (NFC): the
    form answers are in. A PDF's text may write "ş" as s + a combining cedilla;
    a key fact typed by hand has the composed letter."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_gold(passage_text: str, quotes: Iterable[str]) -> bool:
    """A passage is gold when it contains any gold quote (loose containment)."""
    p = loose(passage_text)
    return any(q_l and q_l in p for q_l in (loose(q) for q in quotes))


def quotes_found(passage_texts: Iterable[str], quotes: Sequence[str]) -> list[bool]:
    """Per quote: does at least one of the passages contain it (loose)?"""
    ps = [loose(t) for t in passage_texts]
    return [any(loose(q) in p for p in ps) for q in quotes]


# ---------------------------------------------------------------------- retrieval


def hit_at_k(rels: Sequence[bool], k: int) -> float:
    """1.0 when a gold passage is among the first k, else 0.0."""
    return 1.0 if any(rels[:k]) else 0.0


def reciprocal_rank(rels: Sequence[bool]) -> float:
    """1 / rank of the first gold passage; 0.0 when none was retrieved.

    Computed over the list given (k=10 in the harness), so this is MRR@10.
    """
    for i, r in enumerate(rels, start=1):
        if r:
            return 1.0 / i
    return 0.0


def dcg(rels: Sequence[bool], k: int) -> float:
    """Binary-gain DCG: sum over gold ranks i <= k of 1 / log2(i + 1)."""
    return sum(1.0 / math.log2(i + 1) for i, r in enumerate(rels[:k], start=1) if r)


def ndcg_at_k(rels: Sequence[bool], k: int, n_relevant: int | None = None) -> float:
    """DCG@k divided by the DCG of an ideal ranking.

    The ideal ranking puts all gold passages of the *collection* first, so
    n_relevant should be how many passages of the whole index are gold for
    this question (the harness counts them). Without it the gold passages that
    were retrieved stand in, which can only overstate nDCG.
    0.0 when nothing is gold.
    """
    n = sum(bool(r) for r in rels) if n_relevant is None else max(n_relevant, sum(bool(r) for r in rels[:k]))
    ideal = dcg([True] * min(n, k), k)
    return dcg(rels, k) / ideal if ideal else 0.0


# ------------------------------------------------------------------------- answers


def key_fact_recall(answer: str, key_facts: Sequence[Sequence[str]]) -> float | None:
    """Share of key facts with at least one variant in the answer
    (case-insensitive substring, as eval/SCHEMA.md defines). None without facts."""
    if not key_facts:
        return None
    low = squash(answer).casefold()
    found = sum(any(squash(v).casefold() in low for v in variants) for variants in key_facts)
    return found / len(key_facts)


def missing_key_facts(answer: str, key_facts: Sequence[Sequence[str]]) -> list[str]:
    low = squash(answer).casefold()
    return [variants[0] for variants in key_facts if not any(squash(v).casefold() in low for v in variants)]


def claims(answer: str) -> list[tuple[str, list[int]]]:
    """Split an answer into (claim text, marker numbers) pieces.

    A claim is the text up to a marker group ("... Peru. [1][2]"). Text after
    the last marker (or an answer without markers) is a claim with no
    markers: nothing supports it. Splitting at markers rather than at
    sentence ends keeps an extractive sentence whole even when it contains
    "o.a." or "nr. 355".
    """
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in MARKER_RUN.finditer(answer):
        # lstrip: with "claim [1]. Next claim [2]." the full stop after a
        # marker belongs to the claim before it, not to the next one.
        text = squash(answer[pos : m.start()]).lstrip(".,;:!? ")
        nums = parse_markers(m.group(0))
        if re.search(r"\w", text):
            out.append((text, nums))
        elif out:  # "claim. [1] [2]" written with a space: same claim
            out[-1] = (out[-1][0], out[-1][1] + nums)
        pos = m.end()
    tail = squash(answer[pos:]).lstrip(".,;:!? ")
    if re.search(r"\w", tail):
        out.append((tail, []))
    return out


def claim_supported(
    claim: str,
    cited_texts: Sequence[str],
    *,
    extractive: bool,
    tokenize: Callable[[str], list[str]] | None = None,
    min_overlap: float = 0.6,
) -> bool:
    """Extractive: the claim occurs verbatim (whitespace squashed) in a passage
    it cites. Generative: >= min_overlap of its content tokens occur in one of
    the cited passages. A claim citing nothing is never supported."""
    if not cited_texts:
        return False
    if extractive:
        c = squash(claim)
        return any(c in squash(t) for t in cited_texts)
    assert tokenize is not None
    return any(token_overlap(claim, t, tokenize) >= min_overlap for t in cited_texts)


def faithfulness(
    answer: str,
    passage_for_marker: Mapping[int, str],
    *,
    extractive: bool,
    tokenize: Callable[[str], list[str]] | None = None,
    min_overlap: float = 0.6,
) -> float | None:
    """Share of the answer's claims supported by the passages they cite.
    None for an answer with no claims (a refusal)."""
    cs = claims(answer)
    if not cs:
        return None
    ok = sum(
        claim_supported(text, [passage_for_marker[n] for n in nums if n in passage_for_marker],
                        extractive=extractive, tokenize=tokenize, min_overlap=min_overlap)
        for text, nums in cs
    )
    return ok / len(cs)


def quote_supports(quote: str, claim_texts: Sequence[str], tokenize: Callable[[str], list[str]], min_shared: int = 2) -> bool:
    """Does the citation's quote share content words with the answer
    sentence(s) carrying its marker? At least min_shared distinct tokens, or
    all of a shorter claim's tokens: one shared word ("drugs") is too easy in
    a corpus about drugs."""
    q = set(tokenize(quote))
    for text in claim_texts:
        c = set(tokenize(text))
        if c and len(c & q) >= min(min_shared, len(c)):
            return True
    return False


# ---------------------------------------------------------------------- aggregates


def mean(values: Iterable[float | None]) -> float | None:
    xs = [float(v) for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (numpy's default), q in 0..100."""
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), q))


def bootstrap_ci(
    values: Sequence[float | None],
    *,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile bootstrap CI of the mean: resample questions with
    replacement. A fixed seed makes a report reproducible run to run; None
    values (metric not applicable) are dropped first."""
    xs = np.asarray([v for v in values if v is not None], dtype=float)
    if xs.size == 0:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, xs.size, size=(resamples, xs.size))
    means = xs[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1.0 - alpha))


# The header and site furniture of parliamentary documents, recognised in a
# quote independently of the project's parser (a quote holding one of these
# is furniture, not a statement of the document): dossier and number lines,
# the document-type line, addressee, place and date, the written questions'
# header, the Aanhangsel's and the data sites' metadata lines.
_FURNITURE = re.compile(
    r"Aan de Voorzitter van de (?:Tweede|Eerste) Kamer|\bDen Haag,\s*\d{1,2}\s+[a-z]+\s+\d{4}"
    r"|\bNr\.\s*\d+\s+(?:BRIEF|MOTIE|VERSLAG|LIJST|NOTA)|\b(?:BRIEF|MOTIE|VERSLAG|NOTA) VAN (?:DE|HET|EEN)\b"
    r"|\bVergaderjaar\s+\d{4}|Aanhangsel van de Handelingen|Vragen gesteld door de leden der Kamer"
    # a header's date ends its line: "(ingezonden 3 mei 2031)." / "Antwoord van … (ontvangen …)";
    # the minister's sentence that names the questions with their date in passing
    # ("dat de vragen … (ingezonden 3 mei 2031) later worden beantwoord …") is body text
    r"|\((?:ingezonden|ontvangen)\s+\d[^)]*\)\W*(?:$|[A-Z])|\b(?:Antwoord|Mededeling) van (?:de )?(?:minister|staatssecretaris)\b[^.]{0,200}\(ontvangen"
    r"|\bVragen van (?:het lid|de leden)\b.{0,300}\baan de\b"
    r"|\b(?:Nummer|Gepubliceerd|Indiener\(s\)|Onderwerpen|ID):|Gerelateerde personen|Onderdeel van (?:zaak|kamerstukdossier)"
    r"|Beantwoord door|\bIngediend\s+\d|Preview document|Datum publicatie|\bBrief regering\s*:"
    r"|Antwoord schriftelijke vragen\s*:|Kerngegevens|Documentdatum|\bVastgesteld\s+\d{1,2}\s+[a-z]+\s+\d{4}"
    r"|\bVoorgesteld\s+\d{1,2}\s+[a-z]+\s+\d{4}|ISSN\s+\d{4}|\bkst-\d+|Tweede Kamer der Staten-Generaal"
    r"|^\s*\d{2}\s\d{3}(?:\s[IVXLC]+)?\s+[A-Z][a-z]+|^\s*(?:Vraag|Antwoord)\s+\d+\b")


def is_furniture(quote: str) -> bool:
    """Does this quoted text hold document furniture (see _FURNITURE)?"""
    return bool(_FURNITURE.search(" ".join(quote.split())))
