"""The offline default answerer: choose, order and cite sentences of the letters.

No generative model is installable here, so an answer is made of the letters'
own sentences. Each quotable sentence (decided at chunk time: never a
letterhead, signature, heading or the Kamervraag itself) is scored against the
question by
  - dense similarity of the sentence to the question (multilingual, so an
    English question still finds the Dutch sentence), and
  - idf-weighted coverage of the question's (stemmed) content words; for an
    English question, of their Dutch translations (rag.search.english), half and
    half with the dense similarity (Calibration.w_translated); an answer to a
    Kamervraag is also scored with the words of the question it answers, at a
    discount (Calibration.w_asked_context).

Answer first: the opening sentence is the best one that holds the kind of fact
asked for (rag.search.question); a further sentence is added only when it adds what
the question asks and the answer lacks. Sentences of one letter come in
reading order, each followed by a marker [n].

Three outcomes (rag.texts):
  not_found  the evidence is weak, or the question's subject is not in the letters;
  partial    the letters discuss the subject, but the evidence lacks the asked
             kind of fact (amount, number, date, person, place, a reported
             outcome) or one of the question's distinguishing terms (a year,
             a rare name or word): one sentence says so, the closest
             sentences are cited as context;
  answered   otherwise.
Every number these decisions use is in `rag.config.Calibration`, fitted on the dev sets
by bench/calibrate_abstain.py (eval/thresholds.md).
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

import numpy as np

from rag.search import question as Q
from rag.search import request as R
from rag.ingest import gazetteer as G
from rag.ingest import spans as S
from rag.ingest.layout import date_in
from rag import texts as T
from rag.answer.citations import citation_from
from rag.config import Calibration
from rag.records import HEADER, Answer, Chunk, Letter, OnDelta, Passage, Status, header_chunk_id
from rag.textnl import STOPWORDS_NL, fold

if TYPE_CHECKING:
    from rag.answer.answerers import Retrieved

# A question that repeats a Kamervraag this closely (stemmed word overlap,
# both ways) is answered from the minister's answer to it.
KAMERVRAAG_MATCH = 0.6
KAMERVRAAG_SENTENCES = 8
# Compounds vary their first part ("fietsenstallingen" / "stallingen"): a
# tail of the counted word this long still names the thing.
MIN_TAIL = 6
# How many sentences after the opening one may supply the asked fact.
FOLLOWING = 3
# A sentence answers a joined-on second question when it covers this much
# of its words (idf-weighted), a holding the kind of fact asked counting 0.25.
PART_FIT = 0.5
# The longest name a partial answer repeats from the question, in words.
NAME_WORDS = 6
# A name the question quotes: 'Wegen kiezen', «Fietshaven», "Kijk uit op de stoep".
_QUOTED = re.compile(r"(?:(?<=\s)|^)['‘\"“«]([^'‘’\"“”«»]{3,80})['’\"”»](?=\W|$)")
# The question is about a letter itself ("volgens de brief van 2023").
_ABOUT_LETTER = re.compile(r"\b(?:\w*brief|brieven|letters?|Kamerstuk|rapportage|report|\w*reactie|response|"
                           r"antwoorden|answers)\b", re.I)
# How many sentences follow a sentence that announces a list; a numbered or
# bulleted list gives at most MAX_ITEMS item openings, read on into at most
# NEXT_CHUNKS chunks after the announcing one.
LIST_ITEMS = 4
MAX_ITEMS = 8
NEXT_CHUNKS = 2
# A sentence that speaks of the results themselves (announcing them when it is prospective).
_OUTCOME_NOUN = re.compile(r"\b\w*(?:resultaten|resultaat|uitkomsten|uitkomst|conclusies|bevindingen|effecten|advies|"
                           r"evaluatie|eindrapport|rapportage)\b", re.I)
# Sentences this close (characters between them) are one after the other.
ADJACENT = 4
# A sentence that draws a consequence from the one before it ("Het stationsplein
# was dan ook overvol", "Hierdoor staan de stallingen vol"): that one holds the reason.
_CONSEQUENCE = re.compile(r"\b(?:dan ook|daarom|hierdoor|daardoor|hierom|om die reden|om deze reden|"
                          r"als gevolg hiervan|als gevolg daarvan)\b", re.I)
# A sentence that names what the one before it speaks of: "Dit gaat bijvoorbeeld
# over ...", "Het gaat hierbij om ...", "Denk aan ...", "Voorbeelden zijn ...".
_EXAMPLES_FOLLOW = re.compile(r"\W*(?:(?:dit|dat|het) (?:gaat|gaan|betreft|betreffen)\b(?: \w+){0,2} (?:om|over)\b|"
                              r"(?:dit|dat|het) (?:betreft|betreffen)\b|denk (?:hierbij |daarbij )?aan\b|"
                              r"voorbeelden (?:hiervan |daarvan )?zijn\b|(?:dit|dat|deze) zijn\b)", re.I)
# A list item's opening: "1.", "2)", "a.", or a bullet or dash.
_ITEM = re.compile(r"\s*(?:(\d{1,2})[.)]|[a-z][.)]|[-–•·▪])\s")
# The first item of a list in prose, after a sentence that announces how many.
_ENUMERATION = re.compile(r"\s*(?:Allereerst|Ten eerste|In de eerste plaats|Om te beginnen|Eerst|First(?:ly)?|"
                          r"To begin with)\b")
# "een drietal", "een aantal": how many a sentence announces without a digit.
_SOME = {"tweetal": 2, "drietal": 3, "viertal": 4, "vijftal": 5, "aantal": LIST_ITEMS}


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offset of the sentence in the chunk text
    end: int
    text: str
    dense: float = 0.0
    lexical: float = 0.0
    score: float = 0.0
    # The same sentence in other retrieved passages (overlapping chunks repeat
    # it): (passage, start, end). The sentence after it may be only there,
    # when this copy ends its chunk.
    copies: tuple[tuple[Passage, int, int], ...] = ()

    @property
    def letter_offset(self) -> int:
        """Where the sentence starts in its letter's cleaned text (a long
        Kamervraag answer's part carries its question in front: shift)."""
        c = self.passage.chunk
        shift = len(c.text) - (c.end - c.start)
        return c.start + self.start - shift


# A whole line, stripped, short enough for a letterhead (a long line is a
# sentence of the body).
_SHORT_LINE = re.compile(r"(?m)^[ \t]*(\S[^\n]{2,98}\S)[ \t]*$")
# The gazetteer kinds of place that are "the same kind" as the place asked.
_PLACE_TYPES = {R.CITY: (G.CITY,), R.PORT: (G.CITY,), R.REGION: (G.REGION,), R.COUNTRY: (G.COUNTRY,),
                R.PLACE: (G.CITY, G.REGION, G.COUNTRY, G.AREA)}


def _missing_label(asked: str, english: bool, subject: str = "") -> str:
    """How a partial answer names the kind of fact that is missing. A place
    asked where the subject names one (the question's own: "voordat Deventer")
    is "no other" place: "noemen Deventer, maar geven geen stad" contradicts itself."""
    # The coarse question reader says "number" where the request says "count".
    table = R.LABEL_EN if english else R.LABEL_NL
    label = table.get(asked) or table.get(R.COUNT if asked == Q.NUMBER else "", asked)
    if any(p.kind in _PLACE_TYPES.get(asked, ()) for _, _, p in G.find(subject, opens_sentence=False)):
        other = "other" if english else ("ander" if label.startswith("land") else "andere")
        label = f"{other} {label}"
    return label


def partial_sentence(subject: str, asked: str, missing_terms: list[str], english: bool,
                     replaced: list[tuple[str, str]] | None = None) -> str:
    """One sentence: what the letters do discuss and what they do not give.

    `asked`: the kind of fact missing (rag.search.request types) or ""; `replaced`:
    (the question's anchor, what the letters name instead) when they give
    the fact for another year, place or country; else `missing_terms`, terms
    of the question the letters do not mention."""
    replaced = replaced or []
    if english:
        head = f"{T.PARTIAL_OPENING_EN} {subject}" if subject else T.PARTIAL_OPENING_EN + " related matters"
        if replaced:
            asked_for, found = replaced[0]
            return f"{head} for {found}, but not for {asked_for}."
        if asked == R.NAMED:
            return f"{head}, but do not say which."
        if asked:
            return f"{head}, but give no {_missing_label(asked, True, subject)}."
        return f"{head}, but say nothing about {T.join_terms(missing_terms, 'or')}."
    head = f"{T.PARTIAL_OPENING} {subject}" if subject else f"{T.PARTIAL_OPENING} verwante zaken"
    if replaced:
        asked_for, found = replaced[0]
        return f"{head} voor {found}, maar niet voor {asked_for}."
    if asked == R.NAMED:
        return f"{head}, maar zeggen niet welke."
    if asked:
        return f"{head}, maar geven geen {_missing_label(asked, False, subject)}."
    return f"{head}, maar zeggen niets over {T.join_terms(missing_terms, 'of')}."


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """The quotable sentences of the passages, each once (overlapping chunks
    repeat sentences; the best-ranked passage keeps it)."""
    first: dict[str, int] = {}
    out: list[Candidate] = []
    for p in passages:
        for a, b in p.chunk.answer_spans:
            s = p.chunk.text[a:b]
            key = " ".join(s.split())
            if key in first:
                kept = out[first[key]]
                out[first[key]] = dataclasses.replace(kept, copies=(*kept.copies, (p, a, b)))
                continue
            first[key] = len(out)
            out.append(Candidate(p, a, b, s))
    return out


def lexical_coverage(q_terms: Sequence[str], s_terms: set[str], idf: Mapping[str, float]) -> float:
    """Share of the question's idf mass that the sentence contains."""
    if not q_terms:
        return 0.0
    uniq = set(q_terms)
    total = sum(idf.get(t, 1.0) for t in uniq)
    return sum(idf.get(t, 1.0) for t in uniq if t in s_terms) / total if total else 0.0


def weighted_coverage(q_weights: Mapping[str, float], s_terms: set[str], idf: Mapping[str, float]) -> float:
    """lexical_coverage for weighted question terms (an English question's
    Dutch translations, rag.search.english): share of their weight times idf that
    the sentence contains."""
    total = sum(w * idf.get(t, 1.0) for t, w in q_weights.items())
    return sum(w * idf.get(t, 1.0) for t, w in q_weights.items() if t in s_terms) / total if total else 0.0


@dataclass(frozen=True)
class Decision:
    """What the answerer decided for one question, and why (the calibration
    script and the eval read this too)."""

    status: str
    chosen: list[Candidate]
    strength: float
    oov: float = 0.0
    top_dense: float = 0.0
    english: bool = False
    missing_kind: str = ""  # the asked kind of fact the evidence lacks
    missing_terms: list[str] = field(default_factory=list)  # distinguishing terms not in the evidence
    subject: str = ""  # what of the question the evidence does discuss
    evidence_dense: float = 0.0  # the chosen sentences' best cosine to the question
    # top passage cosine minus the question's cosine to the nearest everyday subject
    off_topic_margin: float = 1.0
    # (the question's anchor, what the evidence names in its place): another
    # year, place or country than asked
    replaced: list[tuple[str, str]] = field(default_factory=list)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        *,
        encode_query: Callable[[str], np.ndarray],
        sentence_vectors: Callable[[list[str]], np.ndarray],
        tokenize: Callable[[str], list[str]],
        idf: Mapping[str, float],
        documents: Sequence[str],
        letter_context: Mapping[str, str] | None = None,
        background: np.ndarray | None = None,
        calibration: Calibration = Calibration(),
        page_starts: Mapping[str, Mapping[int, int]] | None = None,
        chunks: Sequence[Chunk] = (),
        english_terms: Callable[[str], Mapping[str, float] | None] | None = None,
        letters: Mapping[str, Letter] | None = None,
        letter_texts: Mapping[str, str] | None = None,
    ):
        self.encode_query = encode_query
        self.english_terms = english_terms
        self.sentence_vectors = sentence_vectors
        self.tokenize = tokenize
        self.idf = idf
        self.cal = calibration
        self.page_starts = page_starts or {}
        # What each chunk says (title, section, text), folded: how many
        # chunks use a multi-word name decides whether it is rare.
        self.documents = [fold(d) for d in documents]
        # Per letter, what its manifest states (minister, date, Kamerstuk):
        # part of every passage's context ("de brief van minister X").
        self.letter_context = {k: fold(v) for k, v in (letter_context or {}).items()}
        # Vectors of everyday subjects (rag/data/background.txt): a question
        # closer to those than to any passage is not about the letters.
        self.background = background
        # Per chunk, the chunks that follow it in its letter: a list the
        # answer announces may run on past the retrieved passages.
        self._next: dict[str, list[Chunk]] = {}
        by_letter: dict[str, list[Chunk]] = {}
        for ch in chunks:
            if ch.kind != "footnote":
                by_letter.setdefault(ch.letter_id, []).append(ch)
        for run in by_letter.values():
            run.sort(key=lambda ch: ch.start)
            for i, ch in enumerate(run):
                self._next[ch.chunk_id] = run[i + 1: i + 1 + NEXT_CHUNKS]
        self._by_letter = by_letter
        # The letters' records: what a letter states about itself (its
        # signer, its date) answers a question about the letter itself.
        self.letters = dict(letters or {})
        # Each letter's cleaned text with its furniture: the header of written
        # questions (who put them, when) is quoted from it, never from a chunk.
        self.letter_texts = dict(letter_texts or {})
        self._folded_texts: dict[str, str] = {}  # letter id -> its text folded, made when first asked
        self._phrase_df: dict[str, int] = {}
        # idf above this: the term occurs in at most rare_df of the chunks.
        self.rare_count, self.rare_idf = _rare(calibration, len(self.documents))

    # ------------------------------------------------------------ scoring
    def score(self, question: str, passages: Sequence[Passage], qvec: np.ndarray | None = None,
              english: bool | None = None, tokens: Sequence[str] | None = None) -> list[Candidate]:
        cands = candidates(passages)
        if not cands:
            return []
        qvec = self.encode_query(question) if qvec is None else qvec
        svecs = self.sentence_vectors([c.text for c in cands])
        dense = svecs @ qvec.reshape(-1)
        q_terms = list(self.tokenize(question) if tokens is None else tokens)
        english = Q.is_english(question) if english is None else english
        translated = self.english_terms(question) if english and self.english_terms is not None else None
        if not english:
            def cover(words: set[str]) -> float:
                return lexical_coverage(q_terms, words, self.idf)
        elif translated:
            # An English question's words rarely occur in the Dutch letters,
            # their translations (rag.search.english) do, but are guesses: their
            # coverage shares the lexical part with the dense similarity.
            def cover(words: set[str]) -> float:
                return weighted_coverage(translated, words, self.idf)
        else:
            cover = None  # nothing translated: the dense similarity carries the score
        out = []
        asked_in: dict[str, set[str]] = {}
        for c, d in zip(cands, dense):
            if cover is None:
                lex = float(d)
            else:
                words = set(self.tokenize(c.text))
                cov = cover(words)
                chunk = c.passage.chunk
                if chunk.kind == "qa" and self.cal.w_asked_context:
                    # A minister's answer is about the Kamervraag it answers, which
                    # is not quoted: its words count for the answer's sentences.
                    if chunk.chunk_id not in asked_in:
                        asked_in[chunk.chunk_id] = set(self.tokenize(chunk.section.split(":", 1)[-1]))
                    cov = max(cov, self.cal.w_asked_context * cover(words | asked_in[chunk.chunk_id]))
                lex = cov if not english else self.cal.w_translated * cov + (1 - self.cal.w_translated) * float(d)
            out.append(dataclasses.replace(c, dense=float(d), lexical=lex,
                                           score=self.cal.w_dense * float(d) + self.cal.w_lexical * lex))
        return out

    def stated(self, asked: Q.Asked, passages: Sequence[Passage], kind: str) -> Decision | None:
        """Who signed the letter asked about, or its date (`kind`: R.SENDER,
        R.LETTER_DATE): the letter the search ranks first (of those whose
        title or date holds a year the question names), quoted where its
        text states it (signature and letterhead are furniture, never a
        sentence of the answer otherwise). A letter that does not state it,
        or no retrieved letter of the year asked: not found. Who put written
        questions and when (R.ASKERS): the first retrieved questions about
        what the question names (its years may date the questions, not the
        answer). None where the letters' sentences may still say it: their
        header does not, or no header says who answered written questions, or when."""
        letters = list(dict.fromkeys(p.chunk.letter_id for p in passages))
        if asked.years and kind != R.ASKERS:
            titled = {p.chunk.letter_id: f"{p.chunk.title} {p.chunk.date}" for p in passages}
            letters = [lid for lid in letters if any(y in titled[lid] for y in asked.years)]
        found = None
        if kind == R.ASKERS:
            lid = self._asked_of(letters, asked)
            when = bool(R.ASKS_WHEN.search(asked.own))
            found = self._askers_line(lid, when)
            # Asked who, the header must name someone the question does not
            # ("Naast A, welk Kamerlid ..."); asked when, it must hold a date.
            named = found is not None and all(
                _names_member(asked.own, m) for m in self.letters[lid].members if _surname(m) in found.text)
            if found is None or (when and not date_in(found.text)) or (
                    not when and named and (R.ASKS_MEMBER.search(asked.own) or not R.ASKS_PARTY.search(asked.own))):
                return None  # the letters' sentences may still say it
        elif letters:
            # the letter asked about: the best-ranked one that is about what the question names
            letters = self._about(letters, asked) if self.letter_texts else letters
            if letters:
                found = self._signature(letters[0]) if kind == R.SENDER else self._date_line(letters[0])
            # how long answering took: only a line that says it ("(na 23 dagen)"), not the date alone
            if found is not None and kind == R.LETTER_DATE and R.ASKS_HOW_LONG.search(asked.own) and not any(
                    s.kind == S.DURATION for s in S.when(found.text)):
                found = None
        if found is None:
            return None if R.OF_QUESTIONS.search(asked.own) else Decision(Status.NOT_FOUND, [], 0.0,
                                                                          english=asked.english)
        return Decision(Status.ANSWERED, [found], 1.0, english=asked.english)

    def _about(self, letter_ids: Sequence[str], asked: Q.Asked) -> list[str]:
        """The letters whose text (header included) holds each distinguishing
        name of the question and one of its subject terms: the letters it
        asks about, in the order given."""
        terms = self.distinguishing(asked)
        about = self.subject_terms(asked, terms)
        names = [(w, st) for w, st in terms if not Q.YEAR.fullmatch(w)]

        def about_it(lid: str) -> bool:
            # (those who put written questions are Kamerleden, whatever the header calls them)
            text = f"{fold(self.letters[lid].title)} {self._folded_text(lid)} kamerlid kamerleden"
            return (all(self._mentions(text, w, st) for w, st in names)
                    and (not about or any(self._mentions(text, w, st) for w, st in about)))

        return [lid for lid in letter_ids if lid in self.letters and about_it(lid)]

    def _asked_of(self, letter_ids: Sequence[str], asked: Q.Asked) -> str | None:
        """Of the ranked letters that record who put their questions and are
        about what the question names (_about), the first one whose member the
        question names, else the first."""
        put = [lid for lid in self._about(letter_ids, asked) if self.letters[lid].members]
        named = [lid for lid in put if any(_names_member(asked.text, m) for m in self.letters[lid].members)]
        return (named or put or [None])[0]

    def _askers_line(self, letter_id: str | None, when: bool = False) -> Candidate | None:
        """The line of the letter that says who put the questions and when
        ("Vragen van het lid A (X) aan de Minister ... (ingezonden 3 mei 2031)."),
        else, on a data site's page, the line that says who ("Indiener A (X)") or,
        asked `when`, the one that says when ("Ingediend 3 mei 2031"); else a
        short line naming a member and the questions. It stands as a chunk of
        its own: header lines are in no chunk."""
        text = self.letter_texts.get(letter_id or "", "")
        if not text:
            return None
        members = "|".join(re.escape(_surname(m)) for m in self.letters[letter_id].members)
        named = re.compile(rf"\bvragen\b[^\n]{{0,120}}\b(?:{members})\b", re.I)
        sent_in = re.compile(r"\(ingezonden [^)]*\d{4}\)")
        by = re.compile(rf"^\W*(?:Indiener|Indieners|Indiener\(s\)|Medeindiener)\b:?[^\n]{{0,80}}\b(?:{members})\b")
        on = re.compile(r"^\W*(?:Ingediend|Ingezonden)\b:?\s*\d{1,2}\s+\w+\s+\d{4}")
        lines = [m for m in re.finditer(r"(?m)^[ \t]*(\S[^\n]{10,600}\S)[ \t]*$", text)]
        # the header with the date first: a site's title line names the members only
        tests = ((named, sent_in), (sent_in,) if when else (by,), (on,) if when else (named,))
        line = next((m for test in tests for m in lines if all(t.search(m.group(1)) for t in test)), None)
        if line is None:
            return None
        return self._header(letter_id, line.start(1), line.end(1))

    def _header(self, letter_id: str, a: int, b: int) -> Candidate:
        """The letter's text[a:b], a header line, as a candidate of a chunk of
        its own (kind HEADER): header lines are in no indexed chunk."""
        text = self.letter_texts[letter_id]
        starts = sorted(self.page_starts.get(letter_id, {1: 0}).items())
        page = max((n for n, off in starts if off <= a), default=1)
        some = self._by_letter.get(letter_id)
        letter = self.letters[letter_id]
        chunk = Chunk(chunk_id=header_chunk_id(letter_id), letter_id=letter_id, title=some[0].title if some else letter.title,
                      date=letter.date, kamerstuk=letter.kamerstuk, pages=(page,), section="", start=a, end=b,
                      text=text[a:b], kind=HEADER, answer_spans=((0, b - a),))
        return Candidate(Passage(chunk, rank=0, score=0.0), 0, b - a, text[a:b])

    def _date_line(self, letter_id: str) -> Candidate | None:
        """The first short line of the letter that states its date
        ("Datum 3 mei 2031", "Den Haag, 3 mei 2031"): its letterhead."""
        letter = self.letters.get(letter_id)
        if letter is None or not letter.date:
            return None
        for ch in sorted(self._by_letter.get(letter_id, ()), key=lambda c: c.start):
            for m in _SHORT_LINE.finditer(ch.text):
                if date_in(m.group(1)) == letter.date:
                    return Candidate(Passage(ch, rank=0, score=0.0), m.start(1), m.end(1), m.group(1))
        # a header line in no chunk ("Beantwoord 28 maart 2031", "(ontvangen 28 maart 2031)")
        for m in _SHORT_LINE.finditer(self.letter_texts.get(letter_id, "")):
            if date_in(m.group(1)) == letter.date:
                return self._header(letter_id, m.start(1), m.end(1))
        return None

    def _signature(self, letter_id: str) -> Candidate | None:
        """Where the letter states its signer (the manifest's name or names,
        "A; B", each letter in either Unicode form): the last signature block (a role line ending in a
        comma, the name below it), else the first short line that names the
        signer ("Antwoord van minister A (ontvangen ...)")."""
        letter = self.letters.get(letter_id)
        names = [n.strip() for n in (letter.minister if letter else "").split(";") if n.strip()]
        if not names:
            return None
        spelled = "|".join(_either_form(n) for n in names)
        block = re.compile(rf"(?:^|(?<=\n))(?:[^\n]{{3,160}},[ \t]*\n\s*)?(?:{spelled})[ \t]*(?=\n|$)")
        line = re.compile(rf"(?:^|(?<=\n))[^\n]{{0,60}}(?:{spelled})[^\n]{{0,120}}(?=\n|$)")
        chunks = sorted(self._by_letter.get(letter_id, ()), key=lambda c: c.start)
        signed = [(ch, m) for ch in chunks for m in block.finditer(ch.text)]
        if signed:
            ch, m = signed[-1]
            # the signers of one letter sign together: the block runs on to the last name below it
            end = max(x.end() for c, x in signed if c is ch and 0 <= x.start() - m.start() <= 400)
            start = min(x.start() for c, x in signed if c is ch and 0 <= m.end() - x.end() <= 400)
            return Candidate(Passage(ch, rank=0, score=0.0), start, end, ch.text[start:end])
        named = next(((ch, m) for ch in chunks for m in line.finditer(ch.text)), None)
        if named:
            ch, m = named
            return Candidate(Passage(ch, rank=0, score=0.0), m.start(), m.end(), m.group(0))
        # the answer's own header ("Antwoord van Minister A (...) (ontvangen ...)"), furniture in no chunk
        m = re.search(rf"(?m)^[ \t]*(Antwoord van [^\n]{{0,60}}(?:{spelled})[^\n]{{0,160}}"
                      rf"(?:\s*\n\s*[^\n]{{0,160}}?\(ontvangen [^)\n]*\d{{4}}\))?)", self.letter_texts.get(letter_id, ""))
        return self._header(letter_id, m.start(1), m.end(1)) if m else None

    @staticmethod
    def without_questions_asked_back(scored: list[Candidate], req: R.Request) -> list[Candidate]:
        """A member's question nobody answered (a chunk of kind "question")
        says what the member reports or claims ("Klopt het dat een op de vijf fietspaden ...?"),
        and what a report it cites found; it never settles whether that is
        so. For a yes/no question, which asks exactly that, it is no answer,
        and quoting it back to a user who repeats it would look like one."""
        if req.type != R.YES_NO:
            return scored
        return [c for c in scored if c.passage.chunk.kind != "question"]

    def kamervraag_asked(self, question: str, passages: Sequence[Passage],
                         tokens: Sequence[str] | None = None) -> Passage | None:
        """The retrieved Kamervraag the question repeats (word overlap both
        ways >= KAMERVRAAG_MATCH), if any."""
        q = set(self.tokenize(question) if tokens is None else tokens)
        for p in passages[:3]:
            if p.chunk.kind != "qa" or not q:
                continue
            k = set(self.tokenize(p.chunk.section.split(":", 1)[-1]))
            if k and len(q & k) / len(q) >= KAMERVRAAG_MATCH and len(q & k) / len(k) >= KAMERVRAAG_MATCH:
                return p
        return None

    # ------------------------------------------------------------ terms
    def distinguishing(self, asked: Q.Asked) -> list[tuple[str, list[str]]]:
        """(surface words, their stems) for the terms that single out what the
        question is about: its years, and the names it uses that are rare in
        the corpus (a project's name, "Wet Toezicht II"; not "Nederland", which
        most passages share). Ordinary words are left out: a paraphrase may
        use other verbs and nouns than the letter, but not another year or
        name."""
        out: list[tuple[str, list[str]]] = [(y, [y]) for y in asked.years]
        if asked.english:
            # What an English question quotes or glosses in brackets is the
            # letters' own name for it ("(Wet fietsregistratie)"): rare or absent, it distinguishes;
            # one in English explains the question's own words ("(the city's cycling union)").
            out += [(g, [fold(g)]) for g in Q.glosses(asked.text)
                    if self.tokenize(g) and self.phrase_count(g) <= self.rare_count and Q.language(g) != "en"]
        for phrase in asked.phrases:
            # A run of capitals the letters never use ("Nederland Europa" when no letter joins them) is
            # no name of theirs: its words are judged one by one below.
            if 0 < self.phrase_count(phrase) <= self.rare_count:
                out.append((phrase, [fold(phrase)]))
        for w in asked.names:
            if any(w in phrase.split() for phrase, _ in out):
                continue
            stems = [t for t in self.tokenize(w) if not t.isdigit()]
            known = [t for t in stems if t in self.idf]
            if not stems or (asked.english and not known and Q.english_word(w)):
                continue  # an English name the Dutch letters may spell otherwise ("Turkey")
            if all(self.idf.get(t, self.rare_idf) >= self.rare_idf for t in stems):
                out.append((w, stems))
        return out

    def phrase_count(self, phrase: str) -> int:
        """In how many chunks a multi-word name occurs (folded)."""
        key = fold(phrase)
        if key not in self._phrase_df:
            self._phrase_df[key] = sum(key in d for d in self.documents)
        return self._phrase_df[key]

    def out_of_corpus(self, asked: Q.Asked, tokens: Sequence[str] | None = None) -> float:
        """Share of the question's content (idf mass; unknown words weigh as
        the rarest known ones) that no letter uses. English questions: 0,
        their words cannot be looked up in Dutch letters."""
        if asked.english:
            return 0.0
        terms = set(self.tokenize(asked.text) if tokens is None else tokens)
        if not terms:
            return 0.0
        top = max(self.idf.values(), default=1.0)
        weight = {t: self.idf.get(t, top) for t in terms}
        return sum(w for t, w in weight.items() if t not in self.idf) / sum(weight.values())

    # ------------------------------------------------------------ decide
    def decide(self, question: str, passages: Sequence[Passage], qvec: np.ndarray | None = None,
               tokens: Sequence[str] | None = None, asking: str | None = None) -> Decision:
        """`qvec`, `tokens`: the question's vector and tokens when the search
        made them (Retrieved), else made here; `asking`: the user's own
        question when `question` is a follow-up made standalone (what it asks
        is read from it, rag.search.question.read)."""
        asked = Q.read(question, asking)
        req = R.read(question, asked)
        if req.type in (R.SENDER, R.LETTER_DATE, R.ASKERS):
            stated = self.stated(asked, passages, req.type)
            if stated is not None:
                return stated
            # No header of written questions says who put or answered them, or
            # when: a sentence may ("de vragen van de leden A en B", "de vragen
            # zijn op 2 juni beantwoord"), asked as whom or when.
            req = R.read(question, asked, skip=req.type)
        tokens = list(self.tokenize(Q.without_attribution(question)) if tokens is None else tokens)
        if not tokens:
            # Nothing is left once the question words and the cited source are
            # ("According to the letter?", "En volgens de beantwoording?"): no
            # sentence can state what was asked, and nothing needs encoding.
            return Decision(Status.NOT_FOUND, [], 0.0, english=asked.english)
        qvec = self.encode_query(question) if qvec is None else qvec
        scored = self.without_questions_asked_back(
            self.score(question, passages, qvec, english=asked.english, tokens=tokens), req)
        if not scored:
            return Decision(Status.NOT_FOUND, [], 0.0, english=asked.english)
        best = max(scored, key=lambda c: c.score)
        top_dense = max((p.dense_score or 0.0) for p in passages)
        strength = 0.5 * top_dense + 0.5 * best.score
        oov = self.out_of_corpus(asked, tokens)
        terms = self.distinguishing(asked)
        everyday = float((self.background @ qvec.reshape(-1)).max()) if self.background is not None else 0.0

        repeated = self.kamervraag_asked(question, passages, tokens)
        if repeated is not None:
            # The user asks a Kamervraag itself: the minister's answer to it is
            # the answer, whatever kind of fact the question's words suggest.
            own = [c for c in scored if c.passage.chunk.question_no == repeated.chunk.question_no
                   and c.passage.chunk.letter_id == repeated.chunk.letter_id]
            # It is answered in full (in reading order, up to KAMERVRAAG_SENTENCES):
            # the user quoting a Kamervraag wants the minister's answer to it.
            chosen = (sorted(own, key=lambda c: c.letter_offset)[:KAMERVRAAG_SENTENCES]
                      or self.select(scored, asked, terms, tokens))
            return Decision(Status.ANSWERED, chosen, strength, oov, top_dense, asked.english,
                            off_topic_margin=top_dense - everyday)

        chosen = self.select(scored, asked, terms, tokens, req)
        supplied = self.complete(chosen, scored, asked, req)
        if supplied is not None and supplied not in chosen:
            chosen = [*chosen[: self.cal.max_sentences - 1], supplied]
        # The fact asked for must come from a sentence that answers the
        # question about as well as the best one, or from the one right after
        # the opening sentence (complete): not from a sentence added for
        # another reason that happens to hold a number or a date.
        top = max(c.score for c in scored)
        fits: dict[int, R.Fit] = {}

        def fit_of(c: Candidate) -> R.Fit:
            if id(c) not in fits:
                fits[id(c)] = self.fit(req, c)
            return fits[id(c)]

        # The sentence after the opening one supplies the fact only where the
        # asked type is a visible one (a number, a date, a name).
        near = [c for c in scored if c.score >= self.cal.first_rel * top or (c is supplied and R.HOLDERS.get(req.type))]
        # A sentence a little further down may hold the asked fact where the
        # best ones only discuss the subject: it may open the answer when it
        # meets the whole request.
        pool = [*near, *(c for c in scored if c not in near and c.score >= self.cal.add_rel * top)]
        # Answer first: the opening sentence is the best near one that holds
        # the asked type and keeps the question's anchors (rag.search.request); a
        # chosen sentence that gives the fact for another year, place or
        # country is dropped when one that keeps them remains.
        # ... and is about the question's own subject (its distinguishing
        # terms or rare words, in the sentence's own passage).
        about = self.subject_terms(asked, terms)
        # (a month the question dates the letter by is no name of its subject)
        names = [(w, st) for w, st in terms if not Q.YEAR.fullmatch(w) and not any(y in w for y in req.letter_years)]

        # A fact (and an outcome) must be stated where the question's own names are.
        factual = bool(R.HOLDERS.get(req.type)) or req.type == R.OUTCOME

        def about_subject(c: Candidate) -> bool:
            # A fact (a number, a date, a place) must be stated about the
            # question's own subject: every distinguishing name of the
            # question in the sentence's passage (its chunk, section, title
            # and letter); a name of what the letter asked about is about,
            # anywhere in that letter. Other questions need one subject term there.
            ctx = self._context([c])
            if names and factual:
                return all(self._mentions(ctx, w, st) or self._in_letter_about(req, c, w, st) for w, st in names)
            return not about or any(self._mentions(ctx, w, st) for w, st in about)

        # The fact must be about what the question asks of its subject (its
        # event: "openen", "afschaffen"), not another fact of the
        # same subject: a sentence other than the best ones needs nearly the
        # word coverage of the best-covering near sentence.
        cover = max((c.lexical for c in near), default=0.0)

        def asks_same(c: Candidate) -> bool:
            return asked.english or c in near or not factual or c.lexical >= self.cal.add_rel * cover

        good = [c for c in pool if about_subject(c) and asks_same(c) and fit_of(c).answers]
        # The letters count the category asked ("vier stoffen X") without
        # naming its members nearby: only a sentence that names members answers.
        unnamed = bool(req.category) and any(fit_of(c).unnamed and about_subject(c) for c in near)
        if unnamed:
            good = [c for c in good if R.names_members(req, c.text)]
        # An outcome the letters say is still to come (its results are
        # expected, being mapped) is not reported by another sentence nearby.
        if req.type == R.OUTCOME and any(about_subject(c) and fit_of(c).announced and _OUTCOME_NOUN.search(c.text)
                                        for c in pool):
            good = []
        if good and not fit_of(chosen[0]).answers:
            opener = max(good, key=lambda c: c.score)
            chosen = [opener, *[c for c in chosen if c is not opener]][: self.cal.max_sentences]
        if good and fit_of(chosen[0]).from_next:
            # The fact is in the next sentence: it joins the answer.
            ch, a, b = self.next_sentence(chosen[0])
            key = " ".join(ch.chunk.text[a:b].split())
            follow = next((c for c in scored if " ".join(c.text.split()) == key),
                          None) or Candidate(ch, a, b, ch.chunk.text[a:b])
            if follow not in chosen:
                chosen = [*chosen[: self.cal.max_sentences - 1], follow]
        if good:
            chosen = [c for c in chosen if not fit_of(c).replaced] or chosen
        context = self._context(chosen)
        # A year in a letter's title or date ("Voortgangsbrief (2023)") names
        # the letter, not what happened in that year: it counts only when the
        # question asks about a letter.
        text_only = fold(" ".join(c.passage.chunk.text for c in chosen))
        about_letter = bool(_ABOUT_LETTER.search(asked.text))
        missing = [w for w, stems in terms
                   if not self._mentions(context if about_letter or not Q.YEAR.fullmatch(w) else text_only, w, stems)
                   and not (Q.YEAR.fullmatch(w) and (self._in_letters_year(w, chosen)
                                                 or (_spans_year(w, chosen) and w not in req.month_years)))
                   and not self._dates_the_letter(w, req, chosen)
                   and not any(self._in_letter_about(req, c, w, stems) for c in chosen)]
        answering = [c for c in chosen if c.score >= self.cal.first_rel * top or c is supplied]
        on_subject = self._on_subject(answering, self.subject_terms(asked, terms))
        missing_kind = "" if not asked.kind or any(self.holds(asked, c.text) for c in on_subject) else asked.kind
        if asked.kind == Q.OUTCOME and not Q.holds(Q.OUTCOME, chosen[0].text):
            missing_kind = R.ANNOUNCED
        replaced: list[tuple[str, str]] = []
        if good:
            # A sentence that meets the typed request (its type, anchors and
            # names checked in its own window) settles the kind of fact.
            missing_kind = ""
            missing = [w for w in missing if Q.YEAR.fullmatch(w)]
        if not good and near:
            # No near sentence states what was asked: say which part is lacking.
            ordered = sorted(near, key=lambda c: -c.score)
            best_near = [fit_of(c) for c in ordered]
            if req.type and not any(f.holds_type for f in best_near):
                missing_kind = req.event or req.type
            elif (req.type == R.OUTCOME or req.realised) and all(f.announced for f in best_near if f.holds_type):
                missing_kind = R.ANNOUNCED
            elif unnamed:
                missing_kind = R.NAMED
            elif any(f.replaced for f in best_near):
                replaced = [(a.surface, other) for a, other in next(f.replaced for f in best_near if f.replaced)]
            else:
                # The best sentence on the subject lacks the type; else the
                # subject's names are not where the type is.
                lacking = [w for w, st in names if not any(self._mentions(self.window_context(c), w, st)
                                                             for c in ordered)]
                subject_first = next((f for c, f in zip(ordered, best_near) if about_subject(c)), None)
                if subject_first is not None and not subject_first.holds_type and req.type:
                    missing_kind = req.type
                else:
                    missing = missing or lacking
                    if not missing and req.type:
                        # Every name is there, none where the asked type is: the
                        # type is what they lack ("say nothing about" would be false).
                        missing_kind = req.type
                    elif not missing:
                        missing = [w for w, _ in names]
                    if not missing and about and not any(about_subject(c) for c in pool):
                        # The question's own subject (its rare words) is in none of
                        # the passages: the letters do not discuss it.
                        unknown = [w for w, st in about if not any(self._mentions(self._context([c]), w, st)
                                                                     for c in pool)]
                        if asked.english or any(t not in self.idf for _, st in about for t in st):
                            return Decision(Status.NOT_FOUND, chosen, strength, oov, top_dense, asked.english,
                                            off_topic_margin=top_dense - everyday)
                        missing = unknown
        # The partial answer names the replaced anchor once, after "niet voor".
        anchors = [a for a, _ in replaced]
        subject_terms = [t for t in terms if not any(fold(t[0]) in fold(a) for a in anchors)]
        subject = self.subject_words(asked, chosen, subject_terms, anchors)
        d = Decision("", chosen, strength, oov, top_dense, asked.english, missing_kind, missing, subject,
                     max(c.dense for c in chosen), top_dense - everyday, replaced)
        status = classify(d, self.cal)
        if status == Status.PARTIAL and not subject:
            # The evidence names nothing the question names: it is not about
            # the question, and a partial answer would have nothing to name.
            status = Status.NOT_FOUND
        return dataclasses.replace(d, status=status)

    @staticmethod
    def window(c: Candidate) -> tuple[int, int]:
        """The sentence with its immediate neighbours in the same paragraph
        (chunk-text offsets): what a decision about it may read, never the
        whole chunk."""
        chunk = c.passage.chunk
        spans = chunk.answer_spans
        i = next((k for k, (a, b) in enumerate(spans) if a == c.start and b == c.end), None)
        lo, hi = c.start, c.end
        if i is not None:
            if i > 0 and "\n\n" not in chunk.text[spans[i - 1][1]: c.start]:
                lo = spans[i - 1][0]
            if i + 1 < len(spans) and "\n\n" not in chunk.text[c.end: spans[i + 1][0]]:
                hi = spans[i + 1][1]
        return lo, hi

    def window_context(self, c: Candidate) -> str:
        """The window folded, with the passage's title and section (what the
        sentence is about when it does not repeat it)."""
        lo, hi = self.window(c)
        ch = c.passage.chunk
        return fold(f"{ch.title} {ch.section} {ch.text[lo:hi]}") + " " + self.letter_context.get(ch.letter_id, "")

    def fit(self, req: R.Request, c: Candidate, with_next: bool = True) -> R.Fit:
        """How a candidate sentence, read with the sentence after it in its
        paragraph (never the whole chunk), meets the typed request;
        `with_next=False`: the sentence on its own."""
        own = R.spans_of(_chunk_spans(c.passage.chunk), c.start, c.end)
        nxt = self.next_sentence(c) if with_next else None
        if nxt is None:
            return R.fit(req, own, c.text, counted_stems=self.tokenize)
        p, a, b = nxt
        return R.fit(req, own, c.text, R.spans_of(_chunk_spans(p.chunk), a, b), p.chunk.text[a:b],
                     counted_stems=self.tokenize)

    @staticmethod
    def next_sentence(c: Candidate) -> tuple[Passage, int, int] | None:
        """The quotable sentence after `c` in the same paragraph, if any:
        (its passage, start, end); looked for in every retrieved copy of `c`,
        since a sentence that ends one chunk is followed only in the next."""
        for p, start, end in ((c.passage, c.start, c.end), *c.copies):
            chunk = p.chunk
            spans = chunk.answer_spans
            i = next((k for k, (a, b) in enumerate(spans) if a == start and b == end), None)
            if i is not None and i + 1 < len(spans) and "\n\n" not in chunk.text[end: spans[i + 1][0]]:
                return p, *spans[i + 1]
        return None

    def subject_words(self, asked: Q.Asked, chosen: Sequence[Candidate], terms: list[tuple[str, list[str]]],
                      anchors: Sequence[str] = ()) -> str:
        """What of the question the evidence does discuss, in the evidence's
        own words, for a partial answer: the question's distinguishing names
        it mentions, else the question's multi-word or quoted names it
        mentions whole ("Openbaar Ministerie", not "Openbaar en jaren"),
        else its rarest content words that the opening sentence shares (two
        at most), else the section or letter title where it shares one of
        the question's words, else nothing (the evidence is then not about
        the question). The question's `anchors` the evidence replaces are named
        after "niet voor", never as the subject."""
        context = self._context(chosen)
        wholes = [p for p in [*_whole_names(asked.text), *_names_repeated(asked.text, context)]
                  if not any(fold(p) in fold(a) for a in anchors)]
        written = " ".join(c.text for c in chosen)
        covered = [w for w, stems in terms if self._mentions(context, w, stems) and not _only_small(w, written)]
        areas = _areas_named([*wholes, *covered], context)
        joining = "and" if asked.english else "en"
        named = self._subject(covered, wholes, context, areas, joining)
        if named:
            return named
        if not chosen:
            return ""
        mentioned = [areas.get(p, p) for p in wholes if fold(p) in context or p in areas]
        if mentioned:
            return T.join_terms(_outermost(mentioned), joining)
        sentence = chosen[0].text
        by_stem = self._surfaces(sentence)
        as_asked = self._surfaces(asked.text)
        # neither the words that ask, nor a replaced anchor, nor the question's
        # dates ("eind maart 2031" says when, not what)
        given = {t for a in anchors for t in self.tokenize(a)} | set(self.tokenize(" ".join(_dates_in(asked.text))))
        left_out = set(self.tokenize(R.asking_words(asked.own))) | given
        shared = [t for t in dict.fromkeys(self.tokenize(asked.text))
                  if t in by_stem and not t.isdigit() and not S.NUMBER_WORDS.fullmatch(by_stem[t])
                  and t not in left_out]
        shared.sort(key=lambda t: -self.idf.get(t, 0.0))
        # one word may hold two stems ("RDW-register"): named once
        words = list(dict.fromkeys(_as_written(by_stem[t], as_asked.get(t, "")) for t in shared))[:2]
        if words:
            return T.join_terms(words, joining)
        # the heading the sentence stands under, where it names what the question names
        ch = chosen[0].passage.chunk
        heading = _heading_name(ch.section) or ch.title
        named = set(self.tokenize(heading)) & set(self.tokenize(asked.text)) - given
        return heading if any(not t.isdigit() for t in named) else ""

    def _surfaces(self, text: str) -> dict[str, str]:
        """stem -> the first word of `text` that has it."""
        by_stem: dict[str, str] = {}
        for w in re.findall(r"[\w’'-]+", text):
            for t in self.tokenize(w):
                by_stem.setdefault(t, w.rstrip("-"))  # "wet-" of "wet- en regelgeving"
        return by_stem

    def holds(self, asked: Q.Asked, text: str) -> bool:
        """Does the sentence hold the kind of fact asked for? A Dutch "hoeveel
        X" needs a count in a sentence that names X (or a compound ending in
        it: "stallingen" for "fietsenstallingen")."""
        if asked.kind == Q.NUMBER and asked.counted:
            stems = self.tokenize(asked.counted)
            if stems:
                stem = stems[0]
                tails = [stem[i:] for i in range(max(1, len(stem) - MIN_TAIL + 1))]
                return Q.counts(text, tails)
        return Q.holds(asked.kind, text, asked.names)

    def select(self, scored: Sequence[Candidate], asked: Q.Asked,
               terms: list[tuple[str, list[str]]], tokens: Sequence[str] | None = None,
               req: R.Request | None = None) -> list[Candidate]:
        """Answer first: the best sentence that holds the kind of fact asked
        for opens. Another joins when it brings something the question asks
        and the answer lacks (the kind of fact, a distinguishing term, more
        of the things asked after, or the question's words the answer lacks),
        or when it scores nearly as well and the answer stays short; a
        sentence announcing a list (ending in ":") brings its items.
        `tokens`: the question's tokens when the search made them."""
        lacks = self._lacked_words(set(self.tokenize(asked.text) if tokens is None else tokens))
        ranked = sorted(scored, key=lambda c: c.score, reverse=True)
        top = ranked[0].score
        near = [c for c in ranked if c.score >= self.cal.first_rel * top]
        first = next((c for c in near if asked.kind and self.holds(asked, c.text)), ranked[0])
        chosen = [first]
        for c in ranked:
            if len(chosen) >= self.cal.max_sentences or c.score < self.cal.add_rel * top:
                break
            if c in chosen or self._repeats(c, chosen):
                continue
            short = sum(len(x.text) for x in chosen) + len(c.text) <= self.cal.answer_chars
            if (self._adds(c, chosen, asked, terms) or (short and c.score >= self.cal.close_rel * top)
                    or (c.score >= self.cal.first_rel * top
                        and lacks(c, chosen, self.cal.rest_cover))):
                chosen.append(c)
        chosen = self._continued(chosen, ranked, lacks, top)
        if req is not None and req.type == R.LIST and req.category:
            chosen = self._members_after(chosen, scored, req)
        if req is not None and req.type == R.LIST:
            chosen = self._examples_after(chosen, scored)
        for part in asked.parts:
            c = self._answers_part(part, scored, chosen)
            if c is not None:
                chosen.append(c)
        listed = self._with_list_items(chosen, scored, asked.follow if asked.follow > 1 else 0)
        if asked.follow == 1 and _CONSEQUENCE.search(first.text):
            # "X is dan ook ...", "Hierdoor ...": the reason asked is the
            # sentence before the one that matches the question.
            before = _right_before(first, scored)
            if before is not None and before not in listed:
                return [*listed[: listed.index(first)], before, *listed[listed.index(first):]][: max(
                    self.cal.max_sentences, len(listed))]
        if asked.follow and listed == chosen:
            # The reason, or the items of a list of a stated size, come after
            # the sentence that matches the question.
            after = [x for x in self._following(first, scored) if x not in chosen]
            listed += after[: min(asked.follow, LIST_ITEMS)]
        return listed

    def _lacked_words(self, asked_words: set[str]) -> Callable[[Candidate, Sequence[Candidate], float], bool]:
        """lacks(c, chosen, share): `c` holds at least `share` of the
        question's idf mass that the chosen sentences lack. One sentence
        names the subject, another says what the question asks of it ("...
        heeft de provincie het project Droge Voeten opgezet. Bij hoog water
        staan er pompen bij de gemalen klaar, ..."). Each sentence is
        tokenised once per question."""
        weight = {t: self.idf.get(t, 1.0) for t in asked_words}
        total = sum(weight.values())
        words = functools.cache(lambda text: frozenset(self.tokenize(text)))

        def lacks(c: Candidate, chosen: Sequence[Candidate], share: float) -> bool:
            said = frozenset().union(*(words(x.text) for x in chosen))
            new = words(c.text) - said
            return total > 0 and sum(weight[t] for t in asked_words & new) >= share * total

        return lacks

    def _continued(self, chosen: list[Candidate], ranked: Sequence[Candidate],
                   lacks: Callable[[Candidate, Sequence[Candidate], float], bool], top: float) -> list[Candidate]:
        """The sentence right after a chosen one continues it ("Ik zie dan
        ook geen reden om de veerdienst te verkopen."): it joins, while the answer
        has room, when it scores at least Calibration.next_rel of the best and
        holds question words the answer lacks (Calibration.next_cover)."""
        out = list(chosen)
        for c in chosen:
            after = _right_after(c, (x for x in ranked if x.passage.chunk.letter_id == c.passage.chunk.letter_id))
            if (after is not None and after not in out and len(out) < self.cal.max_sentences
                    and after.score >= self.cal.next_rel * top
                    and lacks(after, out, self.cal.next_cover)):
                out.insert(out.index(c) + 1, after)
        return out

    def _members_after(self, chosen: list[Candidate], scored: Sequence[Candidate],
                       req: R.Request) -> list[Candidate]:
        """A chosen sentence that names the category asked but none of its
        members ("Daarover zijn nieuwe regels gemaakt.") is followed by them:
        the sentence right after it joins, while the answer has room."""
        out = list(chosen)
        for c in chosen:
            if len(out) >= self.cal.max_sentences:
                break
            text = fold(c.text)
            if not any(k in text for k in req.category if len(k) >= 4) or R.names_members(req, c.text):
                continue
            # read on into the next chunk: a chunk may end with the sentence
            follow = _right_after(c, self._read_on(c, scored))
            if follow is not None and follow not in out:
                out.insert(out.index(c) + 1, follow)
        return out

    def _examples_after(self, chosen: list[Candidate], scored: Sequence[Candidate]) -> list[Candidate]:
        """A chosen sentence whose next one names what it speaks of ("Dit gaat
        bijvoorbeeld over A, B en C", "Denk hierbij aan ...") is followed by
        it: a list asked is in that sentence, not in the one it explains."""
        out = list(chosen)
        for c in chosen[: self.cal.max_sentences - 1]:
            follow = _right_after(c, self._read_on(c, scored))
            if follow is not None and follow not in out and _EXAMPLES_FOLLOW.match(follow.text):
                # (it takes the place of the answer's last sentence where the answer is full)
                out.insert(out.index(c) + 1, follow)
        return out[: max(self.cal.max_sentences, len(chosen))]

    @staticmethod
    def _following(c: Candidate, scored: Sequence[Candidate]) -> list[Candidate]:
        """The retrieved sentences after `c` in its letter, in reading order."""
        return sorted((x for x in scored if x.passage.chunk.letter_id == c.passage.chunk.letter_id
                       and x.letter_offset > c.letter_offset), key=lambda x: x.letter_offset)

    def _answers_part(self, part: str, scored: Sequence[Candidate], chosen: list[Candidate]) -> Candidate | None:
        """The best sentence for a joined-on second question ("..., en wat
        wordt daarmee strafbaar?"), by its own words and kind of fact,
        unless a chosen sentence already covers it."""
        sub = Q.read(part)
        terms = self.tokenize(part)
        if not terms:
            return None

        def fit(c: Candidate) -> float:
            cov = lexical_coverage(terms, set(self.tokenize(c.text)), self.idf)
            return cov + (0.25 if sub.kind and self.holds(sub, c.text) else 0.0)

        def holds(c: Candidate) -> bool:
            return not sub.kind or self.holds(sub, c.text)

        chosen_fits = [fit(c) for c in chosen]
        if any(f >= PART_FIT and holds(c) for c, f in zip(chosen, chosen_fits)):
            return None
        rest = [c for c in scored if c not in chosen]
        fits = [fit(c) for c in rest]
        best_fit, best = max(zip(fits, rest), key=lambda x: x[0], default=(0.0, None))
        if best is not None and best_fit >= PART_FIT and holds(best):
            return best
        # The fact a joined-on question asks for ("..., en wanneer ...?")
        # often follows the sentence that answers the first question; only
        # a kind of fact a sentence visibly holds (a date, a number, a name)
        # can single that sentence out.
        if sub.kind in Q.VISIBLE_KINDS:
            for c in chosen:
                nxt = next((x for x in self._following(c, rest)[:FOLLOWING] if self.holds(sub, x.text)), None)
                if nxt is not None:
                    return nxt
        # Words of the part in a chosen sentence (without its kind of fact):
        # no other sentence is added for them.
        covered = any(f >= PART_FIT for f in chosen_fits)
        return best if best is not None and best_fit >= PART_FIT and not covered else None

    def _on_subject(self, chosen: Sequence[Candidate], terms: list[tuple[str, list[str]]]) -> list[Candidate]:
        """The chosen sentences about the question's own subject: when the
        question names something distinguishing, those whose passage (its
        immediate context) mentions it; otherwise all. An amount in a passage
        about another programme answers nothing."""
        if not terms:
            return list(chosen)
        return [c for c in chosen if any(self._mentions(self._context([c]), w, s) for w, s in terms)]

    def subject_terms(self, asked: Q.Asked, terms: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
        """What a sentence holding the asked fact must be about: the
        distinguishing terms (`terms`), else the question's words that are
        rare in the corpus (a long compound), which a sentence about
        something else does not share."""
        if asked.english or any(not Q.YEAR.fullmatch(w) for w, _ in terms):
            return terms
        # Years alone say when, not what: the rare words say what. A word no
        # letter uses at all is the rarest (the letters do not discuss it).
        rare = [(w, [t]) for w, t in ((w, t) for w in re.findall(r"[\w’'-]+", asked.text) for t in self.tokenize(w))
                if not t.isdigit() and self.idf.get(t, math.inf) >= self.rare_idf]
        return rare or terms

    def _repeats(self, c: Candidate, chosen: Sequence[Candidate]) -> bool:
        """Says mostly what a chosen sentence says (overlapping chunks, recaps)."""
        words = set(self.tokenize(c.text))
        return any(len(words & set(self.tokenize(x.text))) > 0.6 * max(len(words), 1) for x in chosen)

    def _with_list_items(self, chosen: list[Candidate], scored: Sequence[Candidate],
                         size: int = 0) -> list[Candidate]:
        """A chosen sentence that announces a list ("... vier subdoelen
        gedefinieerd:") is followed by its items: where the items are
        numbered or bulleted, the opening sentence of each (up to the number
        asked for, else MAX_ITEMS), read on into the chunks that follow;
        otherwise the LIST_ITEMS sentences after it."""
        out = list(chosen)
        for c in chosen:
            if not c.text.rstrip().endswith(":"):
                # "... kent drie sporen. Allereerst ...": a list in prose
                n = _items_announced(c)
                after = self._read_on(c, scored) if n else []
                if after and _ENUMERATION.match(after[0].text):
                    out += [x for x in after[:n] if x not in out]
                continue
            after = [x for x in self._read_on(c, scored) if x not in out]
            if after and _ITEM.match(after[0].text):
                out += list_items(after)[: size or MAX_ITEMS]
            else:
                out += after[:LIST_ITEMS]
        return out

    def _read_on(self, c: Candidate, scored: Sequence[Candidate]) -> list[Candidate]:
        """The sentences after `c` in its letter, in reading order: the
        retrieved ones and those of the NEXT_CHUNKS chunks after its own."""
        more = candidates([Passage(ch, 0, 0.0) for ch in self._next.get(c.passage.chunk.chunk_id, [])])
        seen: set[str] = set()
        out = []
        for x in sorted([*self._following(c, scored), *(m for m in more if m.letter_offset > c.letter_offset)],
                        key=lambda x: x.letter_offset):
            key = " ".join(x.text.split())
            if key not in seen:
                seen.add(key)
                out.append(x)
        return out

    def _adds(self, c: Candidate, chosen: list[Candidate], asked: Q.Asked,
              terms: list[tuple[str, list[str]]]) -> bool:
        if asked.kind and not any(self.holds(asked, x.text) for x in chosen) and self.holds(asked, c.text):
            return True
        said_f, new_f = fold(" ".join(x.text for x in chosen)), fold(c.text)
        if any(not self._mentions(said_f, w, s) and self._mentions(new_f, w, s) for w, s in terms):
            return True
        # A question after several things ("welke landen"): more of them.
        if asked.kind in (Q.NUMBER, Q.AMOUNT, Q.PLACE, Q.PERSON) and self.holds(asked, c.text):
            return bool(set(Q.names(c.text)) - {n for x in chosen for n in Q.names(x.text)} - set(asked.names))
        return False

    def complete(self, chosen: list[Candidate], scored: Sequence[Candidate], asked: Q.Asked,
                 req: R.Request | None = None) -> Candidate | None:
        """Facts often follow the sentence that matches the question ("... is
        extra geïnvesteerd. Het gaat om ca. 2 miljoen euro per jaar"): when
        the opening sentence lacks the kind of fact asked for, one of the
        FOLLOWING sentences after it that holds it (or None). Where the
        typed request has holders (a region, a term, a count), it decides:
        the opening sentence lacks the typed fact, and the one supplying it
        holds it in its own words, for no other anchor, and shares a word
        with the question (a date in a sentence on another subject is no
        supply)."""
        if req is not None and R.HOLDERS.get(req.type) and chosen:
            def supplies(c: Candidate) -> bool:
                f = self.fit(req, c, with_next=False)
                return f.holds_type and not f.replaced

            if self.fit(req, chosen[0], with_next=False).holds_type:
                return None
            return next((x for x in self._following(chosen[0], scored)[:FOLLOWING]
                         if x.lexical > 0 and supplies(x)), None)
        if not asked.kind or not chosen or self.holds(asked, chosen[0].text):
            return None
        # In any retrieved passage of the same letter: the next sentence may
        # open the next chunk.
        for nxt in self._following(chosen[0], scored)[:FOLLOWING]:
            if self.holds(asked, nxt.text):
                return nxt
        return None

    # ------------------------------------------------------------ helpers
    def _context(self, chosen: Sequence[Candidate]) -> str:
        """The evidence and its immediate context, folded: the chosen
        sentences' chunks with their letter's title, section and metadata."""
        seen: dict[str, str] = {}
        for c in chosen:
            ch = c.passage.chunk
            about = self.letter_context.get(ch.letter_id, "")
            seen.setdefault(ch.chunk_id, f"{ch.title} {ch.section} {about} {ch.text}")
        return fold(" ".join(seen.values()))

    def _in_letter_about(self, req: R.Request, c: Candidate, word: str, stems: list[str]) -> bool:
        """A name the question gives what the letter it asks about is about
        ("volgens de brief over de fietsenstalling in Zwolle") is in that letter."""
        if not any(fold(word) in about for about in req.letter_about):
            return False
        text = f"{fold(c.passage.chunk.title)} {self._folded_text(c.passage.chunk.letter_id)}"
        return self._mentions(text, word, stems)

    def _folded_text(self, letter_id: str) -> str:
        """The letter's whole text folded, once per letter: it is searched for
        the question's names on the question path."""
        if letter_id not in self._folded_texts:
            self._folded_texts[letter_id] = fold(self.letter_texts.get(letter_id, ""))
        return self._folded_texts[letter_id]

    def _dates_the_letter(self, term: str, req: R.Request, chosen: Sequence[Candidate]) -> bool:
        """A year or month the question dates the letter by ("volgens de brief
        van oktober 2030", "the minister (June 2030)") is stated by a chosen
        sentence's letter of that year."""
        years = [y for y in req.letter_years if y in term]
        return bool(years) and any(y in _letter_years(self.letter_context.get(c.passage.chunk.letter_id, ""))
                                   for c in chosen for y in years)

    def _in_letters_year(self, year: str, chosen: Sequence[Candidate]) -> bool:
        """A date without a year ("in de zomer", "op 12 maart jl.") in a
        letter of that year (its date, else its parliamentary year) is in
        that year: the question's year is then stated, though not written."""
        for c in chosen:
            undated = any(s.kind == "date" and not re.search(r"\d{4}", s.value)
                          for s in R.spans_of(_chunk_spans(c.passage.chunk), c.start, c.end))
            if undated and year in _letter_years(self.letter_context.get(c.passage.chunk.letter_id, "")):
                return True
        return False

    @staticmethod
    def _mentions(folded: str, word: str, stems: list[str]) -> bool:
        """Word or all its stems in the folded text; a stem may sit inside a
        compound ("Zeehavens" in "Zeehavenaanpak")."""
        if fold(word) in folded or all(s in folded for s in stems):
            return True
        # An English plural of a word Dutch pluralises with an apostrophe
        # ("taxis" for "taxi's", "RDWs" for "RDW's").
        if len(word) > 3 and word.endswith("s") and re.search(rf"\b{re.escape(fold(word[:-1]))}['’]s\b", folded):
            return True
        # A place's adjective names the place ("Oost-Afrikaanse" -> "Oost-Afrika",
        # "Peruaanse" -> "Peru"): its stem without the adjective ending.
        m = re.fullmatch(r"([A-Z][\w-]{3,}?)(?:aanse|aans|iaanse|ische|isch|se)", word)
        if m and re.search(rf"\b{re.escape(fold(m.group(1)))}", folded):
            return True
        # "ABC-regeling" where the letter writes "de procedure ABC": an
        # acronym that heads a compound names the thing on its own.
        head, _, tail = word.partition("-")
        return len(head) >= 2 and head.isupper() and len(tail) >= 4 and tail.isalpha() and tail.islower() and \
            re.search(rf"\b{re.escape(fold(head))}\b", folded) is not None

    @staticmethod
    def _subject(covered: list[str], wholes: Sequence[str], context: str, areas: Mapping[str, str],
                 joining: str = "en") -> str:
        """What of the question the evidence does discuss, for a partial
        answer: its names and multi-word names that the evidence mentions,
        each as the whole name the question writes ('Wegen kiezen', not
        "Wegen") where the evidence (`context`, folded) mentions it whole
        (`wholes`: the question's _whole_names), and a part of the world the
        question names by its adjective as the evidence names it (`areas`)."""
        def whole(w: str) -> str:
            best = max((p for p in wholes if (fold(p) in context or p in areas)
                        and _writes(p, w)), key=len, default=w)
            return areas.get(best, best)

        return T.join_terms(_outermost([whole(w) for w in covered if not Q.YEAR.fullmatch(w)]), joining)

    # ------------------------------------------------------------ answer
    def respond(self, retrieved: Retrieved) -> Answer:
        """The answer (rag.answer.answerers.Answerer), decided on the vector the
        search already made; not streamed, so on_delta gets the whole text once."""
        answer = self._compose(retrieved.standalone, retrieved.passages, retrieved.answer, retrieved.vector,
                               retrieved.tokens or None, asking=retrieved.question)
        if retrieved.query.on_delta:
            retrieved.query.on_delta(answer.answer)
        return answer

    def answer(self, question: str, passages: Sequence[Passage], on_delta: OnDelta | None = None) -> Answer:
        """The answer outside a chain (the question encoded here)."""
        answer = self._compose(question, passages, functools.partial(Answer, question=question, generator=self.name))
        if on_delta:
            on_delta(answer.answer)
        return answer

    def condense(self, history: list[tuple[str, str]], question: str) -> str:
        return Q.condense(history, question, self.tokenize)

    def with_calibration(self, calibration: Calibration) -> "ExtractiveAnswerer":
        """The same answerer with other numbers (what depends on them is
        recomputed); this one is not changed."""
        other = copy.copy(self)
        other.cal = calibration
        other._phrase_df = {}
        other.rare_count, other.rare_idf = _rare(calibration, len(self.documents))
        return other

    def _compose(self, question: str, passages: Sequence[Passage], make: Callable[..., Answer],
                 qvec: np.ndarray | None = None, tokens: Sequence[str] | None = None,
                 asking: str | None = None) -> Answer:
        """The answer, built by `make` (Retrieved.answer in the chain)."""
        d = self.decide(question, passages, qvec, tokens, asking)
        english = d.english
        if d.status == Status.NOT_FOUND or not d.chosen:
            return make(answer=T.refusal(english), status=Status.NOT_FOUND, passages=list(passages))
        ordered = reading_order(d.chosen)
        # A list read on past the retrieved passages cites the passages it
        # was read from: they join the answer's passages, after the retrieved.
        passages = list(passages)
        for c in ordered:
            if all(p.chunk.chunk_id != c.passage.chunk.chunk_id for p in passages):
                passages.append(dataclasses.replace(c.passage, rank=len(passages) + 1))
        citations = [citation_from(c.passage, n, c.text, self.page_starts.get(c.passage.chunk.letter_id))
                     for n, c in enumerate(ordered, start=1)]
        if d.status == Status.PARTIAL:
            text = partial_sentence(d.subject, d.missing_kind, d.missing_terms, english, d.replaced)
        else:
            text = " ".join(f"{' '.join(c.text.split())} [{n}]" for n, c in enumerate(ordered, start=1))
        return make(answer=text, status=d.status, citations=citations, passages=passages)


def _right_before(c: Candidate, others: Iterable[Candidate]) -> Candidate | None:
    """The one of `others` (sentences of c's letter) that ends right where `c`
    starts, in the same paragraph."""
    return next((x for x in others if x.passage.chunk.letter_id == c.passage.chunk.letter_id
                 and 0 <= c.letter_offset - (x.letter_offset + len(x.text)) <= ADJACENT
                 and "\n\n" not in _between(x, c)), None)


def _between(a: Candidate, b: Candidate) -> str:
    """The chunk text between two sentences of one chunk ("" across chunks)."""
    if a.passage.chunk.chunk_id != b.passage.chunk.chunk_id:
        return ""
    return a.passage.chunk.text[a.end: b.start]


def _right_after(c: Candidate, later: Iterable[Candidate]) -> Candidate | None:
    """The first of `later` (sentences of c's letter) that starts right where
    `c` ends: at most ADJACENT characters on, by letter offsets."""
    return next((x for x in later if 0 <= x.letter_offset - (c.letter_offset + len(c.text)) <= ADJACENT), None)


@functools.lru_cache(maxsize=4096)
def _letter_years(context: str) -> frozenset[str]:
    """The years a letter was written in, from what its context states: its
    date ("2022-11-10") or the parliamentary year of its pages ("2021–2022")."""
    years = set(re.findall(r"\b((?:19|20)\d\d)-\d\d-\d\d\b", context))
    if not years:
        for a, b in re.findall(r"\b((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)\b", context):
            if int(b) == int(a) + 1:
                years |= {a, b}
    return frozenset(years)


def _spans_year(year: str, chosen: Sequence[Candidate]) -> bool:
    """A chosen sentence names the year within a period ("2030–2035")."""
    return any(k == S.YEAR and v == year for c in chosen
               for k, a, b, v, _ in _chunk_spans(c.passage.chunk) if c.start <= a and b <= c.end)


def _chunk_spans(chunk: Chunk) -> tuple[tuple[str, int, int, str, str], ...]:
    """The typed spans the index stores with a chunk, or computed for a chunk
    made without them."""
    return chunk.typed or _typed(chunk.text, chunk.answer_spans, chunk.date)


@functools.lru_cache(maxsize=4096)
def _typed(text: str, answer_spans: tuple[tuple[int, int], ...],
           date: str = "") -> tuple[tuple[str, int, int, str, str], ...]:
    """Typed spans of a chunk that was made without them (a chunk built by
    hand, or by an older version): what the index would hold (rag.ingest.spans)."""
    return S.of_chunk(text, answer_spans, date)


def _whole_names(question: str) -> list[str]:
    """The names a question writes whole: what it quotes, and runs of capitalised words."""
    return [m.group(1) for m in _QUOTED.finditer(question)] + Q.name_phrases(question)


def _writes(text: str, word: str) -> bool:
    """`text` has `word` as a whole word or phrase (not inside a longer word
    or a hyphenated compound)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _names_repeated(question: str, context: str) -> list[str]:
    """The question's names as the evidence (`context`, folded) writes them
    whole: from each capital the question writes (not its first word) and
    each word a law's name opens with ("het wetsvoorstel fietsheling II"), the
    longest run of its words the evidence also has, up to its last word
    that is no stopword ("Wet fietsheling II", "Provinciale fietsverordening")."""
    words = re.findall(r"[\w’'-]+(?:[.,]\d+)*", question)
    out = []
    for i, w in enumerate(words[1:], start=1):
        # a small head only where the name goes on in small words: a capital
        # after it ("de campagne Kijk Uit") starts the name itself
        if not w[:1].isupper() and not (re.fullmatch(S.LAW_HEADS, w) and words[i + 1: i + 2] != []
                                         and words[i + 1][:1].islower()):
            continue
        longest = ""
        for j in range(i + 2, min(len(words), i + NAME_WORDS) + 1):
            phrase = " ".join(words[i:j])
            if not _writes(context, fold(phrase)):
                break
            # past a stopword only within a law's name ("Wet toezicht op
            # stallingen") or to another name ("Zeeland en de Waddeneilanden"), not
            # into what the sentence says of it ("Zwolle over …")
            joined = any(fold(x) in STOPWORDS_NL for x in words[i + 1: j - 1])
            if fold(words[j - 1]) not in STOPWORDS_NL and \
                    (not joined or words[j - 1][:1].isupper() or re.fullmatch(S.LAW_HEADS, w)):
                longest = phrase
        if longest:
            out.append(longest)
    return out


def _only_small(word: str, evidence: str) -> bool:
    """A capitalised word of the question that the evidence writes only as
    an ordinary word ("Stedelijke" of a body's name, where the evidence has
    "stedelijke vernieuwing"): the evidence does not name what the question
    names by it."""
    if not word[:1].isupper() or word.isupper():
        return False
    small = word[:1].lower() + word[1:]
    return _writes(evidence, small) and not _writes(evidence, word)


def _dates_in(text: str) -> list[str]:
    """The dates, years and periods the text writes, each with a word that
    places it in its period ("eind maart 2031")."""
    out = []
    for s in sorted(S.when(text), key=lambda s: (s.start, s.kind, s.end)):
        before = re.search(rf"\b(?:{S.DATE_QUALIFIERS})\s+$", text[:s.start], re.I)
        out.append(text[before.start() if before else s.start: s.end])
    return out


def _as_written(word: str, asked: str) -> str:
    """The evidence's word as the question writes it where it is the same
    word, and without the capital it has only for opening its sentence
    ("Fietsdiefstal", "Tegelijk") where the question writes it small."""
    if fold(word) == fold(asked):
        return asked
    if asked[:1].islower() and word[:1].isupper() and word[1:2].islower():
        return word[:1].lower() + word[1:]
    return word


def _heading_name(section: str) -> str:
    """A section heading as the subject of a partial answer: without its
    number ("5. …", "Vraag 14: …"), and none for a heading that asks
    (a Kamervraag's text)."""
    name = re.sub(r"^\s*(?:(?:vraag|question|antwoord)\s*)?\d+[.:)]?\s*(?:[:.-]\s*)?", "", section, flags=re.I)
    return "" if "?" in name else name.strip()


def _areas_named(words: Sequence[str], context: str) -> dict[str, str]:
    """The question's adjectives of a part of the world ("West African",
    "Oost-Europese") -> that part's name as the evidence (folded) writes it."""
    out = {}
    for w in words:
        area = G.area_of_adjective(w) if w[:1].isupper() else None
        name = next((n for n in G.spellings(area.key) if fold(n) in context), None) if area else None
        if name:
            out[w] = name
    return out


def _either_form(name: str) -> str:
    """A pattern for the name with each letter in either Unicode form, composed
    or decomposed: a PDF's text may write "ş" as s + a combining cedilla."""
    return "".join(f"(?:{'|'.join(re.escape(f) for f in {ch, unicodedata.normalize('NFD', ch)})})"
                   for ch in unicodedata.normalize("NFC", name))


def _outermost(names: Sequence[str]) -> list[str]:
    """The names, once each, without those inside another ("Wegen" beside "Wegen kiezen")."""
    names = list(dict.fromkeys(names))
    return [w for w in names if not any(w != o and w in o for o in names)]


def classify(d: Decision, cal: Calibration) -> str:
    """The status for the evidence features of a decision. One function for
    the answerer and its calibration (bench/calibrate_abstain.py replays it
    with other numbers)."""
    topic_dense = cal.topic_dense_en if d.english else cal.topic_dense_nl
    if (d.strength < cal.topic or d.top_dense < topic_dense or d.off_topic_margin < cal.off_topic_margin
            or (d.oov >= cal.off_topic_oov and d.strength < cal.off_topic_strength)):
        return Status.NOT_FOUND
    # A sentence this close in meaning answers the question even where it
    # words a year or name differently.
    gap = d.missing_kind or d.replaced or (d.missing_terms and d.evidence_dense < cal.dense_match)
    # Evidence this strong is trusted over a missing asked fact or term.
    if gap and d.strength < cal.gap_strength:
        return Status.PARTIAL
    return Status.NOT_FOUND if d.strength < cal.answer else Status.ANSWERED


def _items_announced(c: Candidate) -> int:
    """How many items a sentence says follow ("kent drie sporen", "een
    drietal maatregelen"), at most LIST_ITEMS; 0 if it says none."""
    m = re.search(r"\been (" + "|".join(_SOME) + r")\b", c.text)
    if m:
        return min(_SOME[m.group(1)], LIST_ITEMS)
    # (the spans the index stores: nothing is extracted on the question path)
    counts = [int(s.value) for s in R.spans_of(_chunk_spans(c.passage.chunk), c.start, c.end)
              if s.kind == S.COUNT and s.value.isdigit()]
    return min(counts[0], LIST_ITEMS) if counts and counts[0] >= 2 else 0


def list_items(after: Sequence[Candidate]) -> list[Candidate]:
    """The item openings of the list that `after` begins with: bulleted
    items, or numbered ones while the numbering runs on (1, 2, 3 ...); the
    sentences that continue an item are skipped, and a list that starts
    again at 1 is another list."""
    out: list[Candidate] = []
    for x in after:
        m = _ITEM.match(x.text)
        if not m:
            continue
        number = m.group(1)
        if number is not None and int(number) != len(out) + 1:
            break
        out.append(x)
    return out


def _rare(cal: Calibration, n_documents: int) -> tuple[float, float]:
    """How many chunks a distinguishing term may occur in, and the idf above
    which a term is that rare."""
    n = max(n_documents, 1)
    count = max(1.0, cal.rare_df * n)
    return count, math.log(1 + (n - count + 0.5) / (count + 0.5))


def reading_order(chosen: Sequence[Candidate]) -> list[Candidate]:
    """Letters in the order of their best sentence (the opening one first),
    sentences within a letter as the letter reads."""
    first_seen: dict[str, int] = {}
    for i, c in enumerate(chosen):
        first_seen.setdefault(c.passage.chunk.letter_id, i)
    return sorted(chosen, key=lambda c: (first_seen[c.passage.chunk.letter_id], c.letter_offset))


def _surname(member: str) -> str:
    """The last name of a member as the manifest writes them ("Jan van Dam (FP)" -> "Dam")."""
    name = re.sub(r"\([^)]*\)", " ", member).split()
    return name[-1] if name else member


def _names_member(text: str, member: str) -> bool:
    """Does `text` name the member (by last name)?"""
    return re.search(rf"\b{re.escape(fold(_surname(member)))}\b", fold(text)) is not None
