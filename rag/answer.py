"""The offline default answerer: select and cite sentences from the passages.

No generative model is installable here, so the answer is made of the letters'
own sentences. Each candidate sentence is scored against the question by
  - dense similarity of the sentence to the question (multilingual, so an
    English question still finds the Dutch sentence), and
  - idf-weighted coverage of the question's (stemmed) content words,
then the best few are put in reading order, each followed by a marker [n]
whose citation holds that exact sentence.

Refusal is decided here, in code: when the best evidence is weaker than
`settings.abstain_threshold` (chosen from measured distributions, see
eval/thresholds.md), the answer is the refusal text and carries no citations.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from .citations import citation_from
from .lang import is_english
from .records import Answer, Citation, Passage
from .sentences import sentence_spans

REFUSAL = "Dat staat niet in deze brieven."
REFUSAL_EN = "The letters do not answer this question (dat staat niet in deze brieven)."

# A question that repeats a Kamervraag this closely (stemmed word overlap,
# both ways) is answered with the minister's answer, up to this many sentences.
KAMERVRAAG_MATCH = 0.6
KAMERVRAAG_SENTENCES = 8

# Weights of the sentence score; the dense part carries cross-lingual questions.
W_DENSE = 0.6
W_LEXICAL = 0.4


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offset of the sentence in the chunk text
    end: int
    text: str
    dense: float = 0.0
    lexical: float = 0.0

    @property
    def score(self) -> float:
        return W_DENSE * self.dense + W_LEXICAL * self.lexical


_SIGNATURE = re.compile(r"(De )?[Mm]inister(s)? van [\w ]+,\s+\S")


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Answer-worthy sentences of the passages, each once (overlapping chunks
    repeat sentences; the best-ranked passage keeps it)."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for p in passages:
        if p.chunk.kind == "footnote":  # searchable, but a reference is no answer
            continue
        text = p.chunk.text
        for a, b in sentence_spans(text):
            s = text[a:b]
            key = " ".join(s.split())
            words = s.split()
            if key in seen or len(words) < 5:
                continue
            if s.rstrip().endswith("?"):  # the Kamervraag itself is no answer
                continue
            if re.match(r"(Figuur|Tabel|Bron)\b", s):  # captions
                continue
            if not re.search(r"[.!:;)’”]$", s.rstrip()) and len(words) < 12 and not _SIGNATURE.match(s):
                continue  # a heading (a signature has no full stop either, but says who signed)
            seen.add(key)
            out.append(Candidate(p, a, b, s))
    return out


def lexical_coverage(q_terms: Sequence[str], s_terms: set[str], idf: Mapping[str, float]) -> float:
    """Share of the question's idf mass that the sentence contains."""
    if not q_terms:
        return 0.0
    uniq = set(q_terms)
    total = sum(idf.get(t, 1.0) for t in uniq)
    return sum(idf.get(t, 1.0) for t in uniq if t in s_terms) / total if total else 0.0


def select(cands: list[Candidate], max_sentences: int) -> list[Candidate]:
    """Best sentences above half the best score, then in reading order
    (passage rank, then position) so the answer reads as the letter does."""
    if not cands:
        return []
    ranked = sorted(cands, key=lambda c: c.score, reverse=True)
    best = ranked[0].score
    chosen = [c for c in ranked[:max_sentences] if c.score >= 0.75 * best]
    return sorted(chosen, key=lambda c: (c.passage.rank, c.start))


_QUANTITY_Q = re.compile(r"\b(hoeveel|how (many|much|long)|welk bedrag|wat kost|hoe groot|hoe hoog|hoe lang|maximale|minimale|percentage)\b", re.I)
_MONEY_Q = re.compile(r"\b(hoeveel (extra )?geld|welk bedrag|wat kost|hoeveel kost|budget|begroting|how much (money|funding)|"
                      r"what is the (total |annual )*(budget|cost|amount)|how much did .{0,40}(contribute|spend|cost|pay))\b", re.I)
_WHEN_Q = re.compile(r"\b(wanneer|sinds wanneer|in welk jaar|op welke datum|per wanneer|when|since when|in what year)\b", re.I)
# Questions after findings: the letters often only announce them ("verwacht
# ik de resultaten in het najaar"), which is no answer.
_RESULT_Q = re.compile(r"\b(uitkomst(en)?|conclusies?|bevindingen|outcomes?|conclusions?|findings?|results?)\b", re.I)
_PROSPECTIVE = re.compile(r"\b(verwacht\w*|voorbereiding\w*|opstarten|nog niet|zal|zullen|"
                          r"(wordt|worden)( \w+){0,3} onderzocht)\b", re.I)
_MONTHS = (r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           r"voorjaar|najaar|zomer|winter|jl\.|a\.s\.")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b({_MONTHS})\b", re.I)
# A count or amount: a Dutch-written number (thousands with ".", decimals with
# ",") that is not a year, a day of a date or a version ("EL PAcCTO 2.0"), or
# a number word.
_QUANTITY = re.compile(
    rf"(?<![\d.,/])(?!(?:19|20)\d\d\b)(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?(?![.,]?\d)(?!\s*(?:{_MONTHS}))|"
    r"\b(één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|twintig|dertig|veertig|"
    r"vijftig|honderd|duizend|miljoen|miljard|helft|kwart|verdubbeling|procent)\b", re.I)
_MONEY = re.compile(r"€|\beuro\b|\bmiljoen\b|\bmiljard\b|\bmln\b|\bmld\b", re.I)
# "Hoeveel [extra] drugslabs ...", "welke maximale gevangenisstraf ...": the
# thing counted, which the sentence giving the number must name. After a unit
# the counted thing follows ("hoeveel kilo cocaïne"), or nothing ("voor
# hoeveel jaar was ...").
_COUNTED = re.compile(r"\b(?:hoeveel|maximale|minimale)\s+(?:(?:extra|nieuwe|meer)\s+)*([\w'’-]{3,})(?:\s+([\w'’-]{3,}))?", re.I)
_UNITS = {"kilo", "kilogram", "ton", "keer", "jaar", "jaren", "maanden", "weken", "dagen", "uur", "procent", "euro"}
# Compounds vary their first part ("kentekencamera's" / "ANPR-camera's"): a
# tail of the counted word this long still names the thing.
MIN_TAIL = 6
# A capitalised word inside a sentence, not part of a hyphenated compound
# ("Zuid-Amerikaans" names no place).
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)(?<![-\w])([A-Z][a-zà-ÿ]{2,}(?:[A-Z][a-z]+)?)(?![-\w])")
# Multiplier on the evidence strength when the evidence cannot hold the kind
# of answer asked for (a number, a date, a year or name the question names).
ANSWER_TYPE_PENALTY = 0.80


def answer_type_gaps(question: str, passages: Sequence[Passage], chosen: Sequence[Candidate],
                     stem: Callable[[str], list[str]] | None = None) -> list[str]:
    """What the question asks for that the evidence cannot give (empty: none).

    A quantity question needs a number in the chosen sentences (a money
    question an amount, a Dutch "hoeveel X" a number beside X); a "wanneer"
    question a date; a question for findings a sentence that reports rather
    than announces them; a year or Dutch proper name of the question must
    occur in the passages. Near-miss questions ("Hoeveel drugslabs in
    2023?") fail this where on-topic passages still look similar.
    """
    gaps = []
    said = " ".join(c.text for c in chosen)
    if _QUANTITY_Q.search(question) and not _QUANTITY.search(said):
        gaps.append("quantity")
    if _MONEY_Q.search(question) and not _MONEY.search(said):
        gaps.append("amount")
    noun = _counted_noun(question, stem)
    if noun and not any(_names(c.text, noun) and _QUANTITY.search(c.text) for c in chosen):
        gaps.append(f"count of {noun}")
    if _WHEN_Q.search(question) and not _DATE.search(said):
        gaps.append("date")
    if _RESULT_Q.search(question) and chosen and _PROSPECTIVE.search(max(chosen, key=lambda c: c.score).text):
        gaps.append("findings (only announced)")
    # Title and section count: "de brief van 2025" names the letter, not its text.
    text = " ".join(f"{p.chunk.title} {p.chunk.section} {p.chunk.text}" for p in passages)
    gaps += [f"year {y}" for y in _YEAR.findall(question) if y not in text]
    # A name the question asks about ("burgemeester van Amsterdam") that no
    # retrieved passage mentions: the letters are not about it. Dutch only, as
    # English names differ from the Dutch text ("Europe"/"Europa"). Stems, so
    # "Noordzeehavens" is found in "Noordzeehavenaanpak".
    if not is_english(question):
        low = text.lower()
        for name in _NAME.findall(question.strip()):
            forms = {name.lower(), *(stem(name) if stem else [])}
            if not any(f and f in low for f in forms):
                gaps.append(f"name {name}")
    return gaps


def _counted_noun(question: str, stem: Callable[[str], list[str]] | None) -> str:
    """Stem of what a Dutch quantity question counts ("" if none or unsure)."""
    m = _COUNTED.search(question)
    if not m or stem is None or is_english(question):
        return ""
    word = m.group(1)
    if word.lower() in _UNITS:
        word = m.group(2) or ""
    # the head of a hyphenated compound is its last part: "liaison-magistraten"
    stems = stem(word.split("-")[-1]) if word else []
    # a stopword after a unit ("jaar was") leaves nothing: no noun to check
    return stems[0] if stems and stems[0] != "geld" else ""


def _names(sentence: str, noun: str) -> bool:
    low = sentence.lower()
    tails = [noun[i:] for i in range(0, max(1, len(noun) - MIN_TAIL + 1))]
    return any(t in low for t in tails)


def answer_type_ok(question: str, passages: Sequence[Passage], chosen: Sequence[Candidate],
                   stem: Callable[[str], list[str]] | None = None) -> bool:
    return not answer_type_gaps(question, passages, chosen, stem)


def complete(chosen: list[Candidate], scored: Sequence[Candidate],
             ok: Callable[[list[Candidate]], bool]) -> list[Candidate]:
    """Facts often follow the sentence that matches the question ("... extra
    geld geïnvesteerd in de rechtshulpketen. Het gaat hierbij om ca. 4
    miljoen euro per jaar"): when the chosen sentences lack the kind of answer
    asked for, add the next sentence of a chosen one if that supplies it."""
    if not chosen or ok(chosen):
        return chosen
    by_chunk: dict[str, list[Candidate]] = {}
    for c in scored:
        by_chunk.setdefault(c.passage.chunk.chunk_id, []).append(c)
    for c in sorted(chosen, key=lambda c: c.score, reverse=True):
        later = [x for x in by_chunk[c.passage.chunk.chunk_id] if x.start >= c.end]
        nxt = min(later, key=lambda x: x.start, default=None)
        if nxt is not None and nxt not in chosen and ok(chosen + [nxt]):
            return sorted(chosen + [nxt], key=lambda x: (x.passage.rank, x.start))
    return chosen


def evidence_strength(
    passages: Sequence[Passage], best: Candidate | None, question: str = "", chosen: Sequence[Candidate] = (),
    stem: Callable[[str], list[str]] | None = None,
) -> float:
    """One number for "do the letters answer this": the best sentence's score
    blended with the top passage's dense similarity, lowered when the
    evidence cannot hold the kind of answer asked for."""
    if not passages or best is None:
        return 0.0
    top_dense = max((p.dense_score or 0.0) for p in passages)
    strength = 0.5 * top_dense + 0.5 * best.score
    if question and not answer_type_ok(question, passages, chosen or [best], stem):
        strength *= ANSWER_TYPE_PENALTY
    return strength


class ExtractiveAnswerer:
    def __init__(
        self,
        *,
        encode_query: Callable[[str], np.ndarray],
        sentence_vectors: Callable[[list[str]], np.ndarray],
        tokenize: Callable[[str], list[str]],
        idf: Mapping[str, float],
        threshold: float,
        max_sentences: int = 4,
        page_starts: Mapping[str, Mapping[int, int]] | None = None,
    ):
        self.encode_query = encode_query
        self.sentence_vectors = sentence_vectors
        self.tokenize = tokenize
        self.idf = idf
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.page_starts = page_starts or {}

    def score(self, question: str, passages: Sequence[Passage], qvec: np.ndarray | None = None) -> list[Candidate]:
        cands = candidates(passages)
        if not cands:
            return []
        qvec = self.encode_query(question) if qvec is None else qvec
        svecs = self.sentence_vectors([c.text for c in cands])
        dense = svecs @ qvec.reshape(-1)
        q_terms = self.tokenize(question)
        english = is_english(question)
        out = []
        for c, d in zip(cands, dense):
            # English words rarely occur in the Dutch letters: there the
            # (multilingual) dense similarity has to carry the whole score.
            lex = float(d) if english else lexical_coverage(q_terms, set(self.tokenize(c.text)), self.idf)
            out.append(Candidate(c.passage, c.start, c.end, c.text, float(d), lex))
        return out

    def kamervraag_asked(self, question: str, passages: Sequence[Passage]) -> Passage | None:
        """The retrieved Kamervraag the question repeats (word overlap both
        ways >= KAMERVRAAG_MATCH), if any."""
        q = set(self.tokenize(question))
        for p in passages[:3]:
            if p.chunk.kind != "qa" or not q:
                continue
            k = set(self.tokenize(p.chunk.section.split(":", 1)[-1]))
            if k and len(q & k) / len(q) >= KAMERVRAAG_MATCH and len(q & k) / len(k) >= KAMERVRAAG_MATCH:
                return p
        return None

    def decide(
        self, question: str, passages: Sequence[Passage], qvec: np.ndarray | None = None
    ) -> tuple[list[Candidate], float]:
        """The sentences an answer would use and the evidence strength that
        decides whether to give it (the calibration script reads this too)."""
        scored = self.score(question, passages, qvec)
        if not scored:
            return [], 0.0
        best = max(scored, key=lambda c: c.score)
        chosen = select(scored, self.max_sentences)
        asked = self.kamervraag_asked(question, passages)
        own = [] if asked is None else [
            c for c in scored if c.passage.chunk.question_no == asked.chunk.question_no
            and c.passage.chunk.letter_id == asked.chunk.letter_id]
        if own:
            # The user asks a Kamervraag itself: the minister's answer to it,
            # in order, is the answer (up to KAMERVRAAG_SENTENCES sentences),
            # whether or not it holds the number or date the question wants.
            chosen = sorted(own, key=lambda c: (c.passage.rank, c.start))[:KAMERVRAAG_SENTENCES]
            return chosen, evidence_strength(passages, best)
        chosen = complete(select(scored, self.max_sentences), scored,
                          lambda cs: answer_type_ok(question, passages, cs, self.tokenize))
        return chosen, evidence_strength(passages, best, question, chosen, self.tokenize)

    def answer(self, question: str, passages: Sequence[Passage], qvec: np.ndarray | None = None) -> Answer:
        chosen, strength = self.decide(question, passages, qvec)
        refusal = REFUSAL_EN if is_english(question) else REFUSAL
        if not chosen or strength < self.threshold:
            return Answer(question=question, answer=refusal, abstained=True, passages=list(passages))
        parts: list[str] = []
        citations: list[Citation] = []
        for n, c in enumerate(chosen, start=1):
            parts.append(f"{' '.join(c.text.split())} [{n}]")
            citations.append(citation_from(c.passage, n, c.text, self.page_starts.get(c.passage.chunk.letter_id)))
        return Answer(question=question, answer=" ".join(parts), abstained=False, citations=citations, passages=list(passages))


def idf_table(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    """BM25-style idf over chunks, so rare words ("Fortius") count more than
    common ones ("aanpak") in sentence coverage."""
    n = len(token_lists)
    df: dict[str, int] = {}
    for toks in token_lists:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
