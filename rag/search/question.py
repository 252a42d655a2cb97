"""What a question asks for, read from the question alone.

The extractive answerer needs to know, for any question about any letters:
  - its language (lingua, Dutch vs English);
  - the kind of fact it asks for (an amount, a number, a date, a person, a
    place, an outcome), from the Dutch and English question words;
  - its distinguishing terms: years, numbers and names, which the evidence
    must mention for the answer to be about the same thing;
  - whether it leans on the previous turn of a conversation.

Nothing here knows the letters or any eval question: these are the grammar
of questions (closed word classes), not lists of topics.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from rag.errors import InputError
from rag.textnl import MONTHS_EN, MONTHS_NL, STOPWORDS_ENGLISH, STOPWORDS_NL, fold, numberised
from rag.textnl import tokenize as _tokenize

# -- language ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.DUTCH, Language.ENGLISH).build()


# What a question writes in the letters' language whatever its own: quotes,
# glosses in brackets and names ("the 'Fietsplan 2030' report", "parking
# pressure (parkeerdruk)", "the Landelijk Overleg Fietsdiefstal").
_GLOSSES = r"(?:(?<=\s)|^)['‘\"“«][^'’\"”»]{2,80}['’\"”»](?=\W|$)|\([^()]{1,80}\)"
_NOT_ITS_LANGUAGE = re.compile(rf"{_GLOSSES}|(?<=\w\s)[A-ZÀ-Ý][\w’'-]*")


def glosses(text: str) -> list[str]:
    """What the question quotes or glosses in brackets: in an English
    question, most often the letters' own (Dutch) words for it."""
    return [m.group(0).strip("'‘’\"“”«»()") for m in re.finditer(_GLOSSES, text)]


@lru_cache(maxsize=4096)
def language(text: str) -> str:
    """"nl" or "en" (the letters' language, Dutch, when unsure), read from
    the question's own words: without its quotes, glosses and names where
    enough words remain."""
    from lingua import Language

    own = _NOT_ITS_LANGUAGE.sub(" ", text)
    if len(re.findall(r"[^\W\d_]{2,}", own)) >= 3:
        text = own
    if len(re.findall(r"[^\W\d_]{2,}", text)) < 2:
        return "nl"
    # Short questions are ambiguous ("Wat is X?"): English only when lingua
    # is fairly sure, else the letters' language.
    best = _detector().compute_language_confidence_values(text)[0]
    return "en" if best.language == Language.ENGLISH and best.value > 0.6 else "nl"


def is_english(text: str) -> bool:
    return language(text) == "en"


# A word at least this frequent in English (wordfreq's Zipf scale: 3 is once
# per million words, 2 once per hundred million; "counterfeiting" is 2.8) is
# an English word; a name below it (a firm's name such as "Fietsflow", a
# minister's surname) is written the same in Dutch letters.
ENGLISH_WORD_ZIPF = 2.0


@lru_cache(maxsize=4096)
def english_word(word: str) -> bool:
    """Is `word` an everyday English word or an English exonym ("Court",
    "Turkey"), which the Dutch letters would write otherwise?"""
    from wordfreq import zipf_frequency

    return zipf_frequency(re.sub(r"['’]s$", "", word), "en") >= ENGLISH_WORD_ZIPF


# The document the question cites as its source ("volgens de beantwoording",
# "in de voortgangsbrief van 2031", "according to the letter"): it says where to
# look, not what to find; its words would match the sentences that offer or
# name a document ("Hierbij ontvangt u de beantwoording ...") rather than
# those that answer.
_ATTRIBUTION = re.compile(
    r"\b(?:volgens|in|uit|blijkens) (?:de|het|deze|die|zijn|haar) (?:\w*brief|brieven|beantwoording|antwoorden|"
    r"kamervragen|verslag|circulaire)\b|\b(?:according to|in) the (?:\w+ )?(?:letters?|answers?|replies|reply)\b",
    re.I)


def without_attribution(question: str) -> str:
    """The question without the document it cites as its source: what is searched."""
    return _ATTRIBUTION.sub(" ", question)


# -- the kind of fact asked for ----------------------------------------------

AMOUNT, NUMBER, DATE, PERSON, PLACE, OUTCOME = "amount", "number", "date", "person", "place", "outcome"
# The kinds a sentence visibly holds (an outcome is only "not announced").
VISIBLE_KINDS = (AMOUNT, NUMBER, DATE, PERSON, PLACE)

_HOW_MUCH = (r"hoeveel|hoe ?veel|how (?:many|much)|welk(?:e)? (?:aantal|percentage|bedrag|omvang)|wat is het aantal|"
             r"hoe (?:groot|hoog|lang|vaak)|how (?:large|big|high|long|often)|what (?:number|percentage|share)|"
             r"(?:welk(?:e)?|wat is de|wat zijn de|which|what is the|what are the) "
             r"(?:maximale|minimale|hoogste|laagste|maximum|minimum|highest|lowest|maximal|minimal)")
_MONEY_WORDS = (r"geld|euro|bedrag|budget|begroting|kost|kosten|kostte|financiering|gefinancierd|investering|"
                r"geïnvesteerd|geinvesteerd|uitgetrokken|subsidie|money|budget|cost|costs|funding|funded|spend|spent|"
                r"invest(?:ed|ment)?|euros?")
_AMOUNT_Q = re.compile(rf"\b(?:welk bedrag|wat kost|wat kostte|wat kosten|what (?:does|did) .{{1,60}} cost|"
                       rf"(?:wat|hoeveel) (?:heeft|hebben|zal|zullen|gaat|gaan)\b.{{0,100}}\b(?:gekost|kosten|uitgegeven|"
                       rf"besteed|geïnvesteerd|geinvesteerd|opgebracht)|"
                       rf"(?:{_HOW_MUCH})\b.{{0,80}}\b(?:{_MONEY_WORDS})|(?:{_MONEY_WORDS})\b.{{0,40}}\b(?:{_HOW_MUCH}))\b"
                       rf"|^(?:wat|what) (?:is|was|zijn|are|were) (?:het|de|the) (?:totale |jaarlijkse |annual |total |yearly )*"
                       rf"(?:budget|begroting|bedrag|kosten|cost|amount)\b", re.I)
_NUMBER_Q = re.compile(rf"\b(?:{_HOW_MUCH})\b", re.I)
_DATE_Q = re.compile(r"\b(?:wanneer|sinds wanneer|per wanneer|tot wanneer|vanaf wanneer|(?:in|op|per) welk(?:e)? "
                     r"(?:jaar|datum|maand|dag|periode)|welk(?:e)? (?:jaar|datum|maand)|when|since when|by when|"
                     r"(?:in |on )?(?:what|which) (?:year|date|month|day))\b", re.I)
# A bare "wie"/"who" is as often answered by an organisation ("de
# jeugdreclassering") as by a person, so only a question naming a person's
# role asks for a person's name.
_PERSON_Q = re.compile(r"\bwelk(?:e)? (?:minister|staatssecretaris|persoon|personen|kamerleden|kamerlid|hoogleraar|"
                       r"onderzoeker|onderzoekers)\b|\bwhich (?:minister|person|people|member|researcher)s?\b", re.I)
_PLACE_Q = re.compile(r"^waar\b(?!.*\b(?:over|om|aan|mee|voor|toe|naar|door|van|op|uit)\s*\??$)|\bwhere\b|"
                      r"\b(?:in|naar|uit) welk(?:e)? (?:land|landen|stad|steden|regio|regio's|gemeente|gemeenten|"
                      r"haven|havens|provincie)\b|\bwelk(?:e)? (?:[a-z]+ )?(?:land|landen|stad|steden|havens?|gemeenten?|"
                      r"provincies?)\b|\b(?:which|what) (?:[a-z]+ )?(?:countr(?:y|ies)|cit(?:y|ies)|ports?|regions?|"
                      r"municipalit(?:y|ies))\b", re.I)
_OUTCOME_Q = re.compile(r"\b(?:resultaat|resultaten|uitkomst|uitkomsten|opgeleverd|opleverde|opbrengst|effect|"
                        r"effecten|bevinding|bevindingen|conclusie|conclusies|concludeer\w*|bleek|blijkt|"
                        r"results?|outcomes?|findings?|conclusions?|conclude[ds]?|effects?|achieved|yielded|found)\b",
                        re.I)


# "hoeveel jaar", "how long": a duration is a number, whatever else is asked about.
_DURATION_Q = re.compile(r"\b(?:hoeveel|how many) (?:jaar|jaren|maanden|weken|dagen|uur|years|months|weeks|days|hours)\b|"
                         r"\bhoe lang\b|\bhow long\b", re.I)


# In order of precedence.
_KINDS = ((_DURATION_Q, NUMBER), (_AMOUNT_Q, AMOUNT), (_DATE_Q, DATE), (_NUMBER_Q, NUMBER), (_PERSON_Q, PERSON),
          (_PLACE_Q, PLACE), (_OUTCOME_Q, OUTCOME))


# "when"/"wanneer" asks a date where it opens the question, or after a verb
# that asks ("kunt u aangeven wanneer ...", "do you know when ..."); elsewhere
# it joins a clause ("Which official led the team when the ferry started?").
_ASKS_BEFORE = re.compile(r"\b(?:aangeven|aan te geven|weet|weten|vertellen|zeggen|melden|toelichten|know|tell|say|"
                          r"indicate|explain)\s+(?:\w+\s+){0,2}$", re.I)


def joining_when(question: str, m: re.Match) -> bool:
    """Is the match a bare "when"/"wanneer" that joins a clause rather than asks?"""
    before = question[:m.start()]
    return (m.group(0).lower() in ("when", "wanneer") and re.sub(r"^\W*(?:en|and)\s+", "", before, flags=re.I).strip() != ""
            and not _ASKS_BEFORE.search(before))


def asking_match(pattern: re.Pattern, question: str) -> re.Match | None:
    """The first match of an asked-type pattern that asks (not a joining "when")."""
    return next((m for m in pattern.finditer(question) if not joining_when(question, m)), None)


def asked_type(question: str) -> str:
    """The kind of fact the question asks for, or "" (why/how, yes/no, ...).

    Order matters: "hoeveel geld" is an amount before it is a number, "in
    welk jaar" a date; an outcome is asked for by what ("welke resultaten")
    rather than by a question word."""
    q = " ".join(question.split())
    return next((kind for pattern, kind in _KINDS if asking_match(pattern, q)), "")


# -- what evidence must hold for each kind -----------------------------------

_MONTHS = "|".join(dict.fromkeys(MONTHS_NL + MONTHS_EN))
_SEASONS = r"voorjaar|najaar|zomer|winter|zomerreces|kerstreces|jaareinde|jaarwisseling"
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b(?:{_MONTHS})\b|\b(?:jl|a\.s)\.|\b(?:{_SEASONS})\b", re.I)
# A count: a number that is not a year, not the day of a date and not part of
# a version or section number ("2.0", "3.1"); thousands written "96.676".
_COUNT = re.compile(
    rf"(?<![\d.,/])(?!(?:19|20)\d\d\b)(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?(?![.,]?\d)(?!\s*(?:{_MONTHS})\b)", re.I)
# Dutch quantity words text2num does not turn into digits.
_QUANTITY_WORDS = re.compile(r"\b(?:helft|kwart|tientallen|honderden|duizenden|miljoenen|verdubbel\w*|"
                             r"verdrievoudig\w*|procent|percent|dozens|hundreds|thousands|half)\b", re.I)
_MONEY = re.compile(r"€|\beuro\b|\bmiljoen\b|\bmiljard\b|\bmln\b|\bmld\b|\bmrd\b", re.I)
# Announcing rather than reporting: future auxiliaries, expectation, plans,
# "informing the Kamer later" -- the grammar of a letter that promises.
_PROSPECTIVE = re.compile(
    r"\b(?:zal|zullen|zult|zou|zouden|verwacht\w*|naar verwachting|nog niet|voorbereiding\w*|voornemen\w*|"
    r"opstarten|van plan|binnenkort|op termijn|te zijner tijd|(?:wordt|worden)(?: \w+){0,5} "
    r"(?:onderzocht|uitgewerkt|verkend|bezien|bekeken|ontwikkeld|voorbereid|geëvalueerd)|"
    r"informeer\w*(?: \w+){0,4} (?:uw )?Kamer|(?:uw )?Kamer(?: \w+){0,4} geïnformeerd|"
    r"opdracht\w* (?:gegeven|verleend)|gevraagd(?: \w+){0,8} (?:onderzoek|te onderzoeken))\b", re.I)
# A proper name or acronym inside a text: a capitalised word that does not
# open the sentence, or an all-caps word ("FIOD", "NCBC").
NAME = re.compile(r"(?<![.?!:]\s)(?<!^)(?<![-\w])([A-Z][\w’'-]*[a-zà-ÿ][\w’'-]*|[A-Z]{2,}[\w-]*)")
# Sentence-initial capitals are no names; nor are function words in either
# language, question words (bm25s's English list has none), months, and the
# words for parliament and ministry.
_NOT_NAMES = (STOPWORDS_NL | STOPWORDS_ENGLISH | set(MONTHS_NL) | {"kamer", "minister", "ministerie", "hoeveel"}
              # institutions' words written with a capital by convention, not names
              | {"kamerlid", "kamerleden", "kamerbrief", "kamerbrieven", "kamervragen", "kamerstuk", "kamerstukken",
                 "rijk", "rijksoverheid", "kabinet"}
              | {"what", "which", "who", "how", "when", "where", "why", "do", "does", "did", "can", "could", "were"})


# Numbers that refer rather than count: "Kamerstuk 29 911, nr. 428", "artikel 3".
_REFERENCE = re.compile(r"\b(?:Kamerstuk(?:ken)?(?: I{1,2})?|nrs?\.|nummer|artikel|art\.|lid|p\.|pag\.|blz\.|bijlage)"
                        r"\s*[\d\s,./–-]*\d", re.I)


@lru_cache(maxsize=65536)
def _numberised(text: str) -> str:
    """Number words as digits (text2num), references taken out."""
    return numberised(_REFERENCE.sub(" ", text))


# "hoeveel [extra] scanners", "how many": what is counted. After a unit
# ("hoeveel kilo heroïne") the counted thing follows.
_COUNTED = re.compile(r"\b(?:hoeveel|hoe ?veel)\s+(?:(?:extra|nieuwe|meer|andere)\s+)*([^\W\d_][\w'’-]{2,})"
                      r"(?:\s+([^\W\d_][\w'’-]{2,}))?", re.I)
# Words that follow the counted thing rather than describe it.
_VERBISH = re.compile(r"^(?:zijn|is|was|waren|worden|wordt|werd|werden|heeft|hebben|had|hadden|kan|kunnen|zal|zullen|"
                      r"moet|moeten|gaat|gaan|er|in|op|van|voor|met|bij|uit|door|naar|sinds|tussen)$", re.I)
_UNIT = re.compile(r"^(?:kilo|kilogram|kg|ton|liter|keer|jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|uren|"
                   r"procent|euro|miljoen|miljard)$", re.I)
# A number directly followed by one of these measures something, it counts nothing.
_MEASURED = re.compile(r"^\s*(?:(?:en|tot|à|-|–)\s*\d+(?:,\d+)?\s*)?(?:jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|uren|procent|%|kilo|kg|ton|euro|"
                       r"miljoen|miljard)\b", re.I)


def counted_word(question: str) -> str:
    """The word a Dutch "hoeveel X" question counts ("" if none)."""
    m = _COUNTED.search(question)
    if not m:
        return ""
    word, after = m.group(1), m.group(2) or ""
    # After a unit, or after an inflected adjective ("hoeveel extra grote
    # controles"), the counted thing is the next word.
    if _UNIT.match(word) or (word.lower().endswith("e") and after and not _VERBISH.match(after)):
        word = after
    return word


def counts(text: str, stems: list[str]) -> bool:
    """Does `text` give a number of the thing with these stems: a count (not
    a measure, year or date) in a sentence that names it?"""
    low = fold(text)
    if not any(s in low for s in stems):
        return False
    numbered = _numberised(text)
    return any(not _MEASURED.match(numbered[m.end():]) for m in _COUNT.finditer(numbered)) or bool(
        _QUANTITY_WORDS.search(text))


def holds(kind: str, text: str, exclude: tuple[str, ...] = ()) -> bool:
    """Can this evidence text hold a fact of `kind`? For a person or place,
    a name the question itself uses (`exclude`) is no answer."""
    if kind == AMOUNT:
        return bool(_MONEY.search(text))
    if kind == NUMBER:
        return bool(_COUNT.search(_numberised(text)) or _QUANTITY_WORDS.search(text))
    if kind == DATE:
        return bool(_DATE.search(text))
    if kind in (PERSON, PLACE):
        known = {n.lower() for n in exclude}
        return any(n.lower() not in known for n in names(text))
    if kind == OUTCOME:
        return not _PROSPECTIVE.search(text)
    return True


def names(text: str) -> list[str]:
    # without an English possessive ("the Minister's"); a Dutch plural after a
    # vowel or an acronym keeps its "'s" ("camera's", "RIEC's")
    return [re.sub(r"(?<=[b-df-hj-np-tv-z])['’]s$", "", m) for m in NAME.findall(text) if m.lower() not in _NOT_NAMES]


# A multi-word name: capitalised words, joined by short connectors or ending
# in a roman numeral ("Wet Toezicht II", "Veilige Haven Noord").
_PHRASE = re.compile(r"(?<![\w-])([A-Z][\w’'-]+(?:\s+(?:(?:met|van|voor|de|en|tegen|in de|op|der|den)\s+)?"
                     r"(?:[A-Z][\w’'-]+|[IVX]{1,4}\b))+)")


def name_phrases(text: str) -> list[str]:
    """Multi-word names in the text (not opening the sentence)."""
    out = []
    for m in _PHRASE.finditer(text):
        words = m.group(1).split()
        if m.start() == 0 or re.search(r"[.?!:]\s*$", text[: m.start()]):
            words = words[1:]  # a sentence-initial capital is no name
            while words and not words[0][0].isupper():
                words = words[1:]
        if len(words) >= 2:
            out.append(" ".join(words))
    return out


# -- follow-ups ----------------------------------------------------------------

# Openings that continue the previous turn ("En in 2024?", "Maar hoeveel ...").
_CONTINUES = re.compile(r"^(?:en|maar|of|ook|dus|and|but|so|also|what about|how about|wat dan|hoe zit het)\b", re.I)
# Pronominal adverbs and personal pronouns point back; articles and
# demonstratives before a noun ("het doel", "die landen") do not by themselves.
_POINTS_BACK = re.compile(
    r"\b(?:daarvan|daarbij|daarin|daarover|daarmee|daarvoor|daaraan|daarop|daartoe|daardoor|daarna|hiervan|hierbij|"
    r"hierin|hierover|hiermee|hiervoor|hieraan|ervan|erover|erbij|ermee|ervoor|eraan|hij|zij|ze|hun|hen|haar|"
    r"they|them|their|its|he|she|his|her|those|these)\b", re.I)
# A demonstrative standing alone ("Wanneer was dat?", "Wat kost dit?").
_BARE_DEMONSTRATIVE = re.compile(r"\b(?:dat|dit|die|deze|that|this|it)\s*(?:[?.!]|$)|^(?:dat|dit|die|deze)\b", re.I)


# A demonstrative used as a pronoun: followed by a preposition or adverb
# ("Welke thema's pakt die met voorrang op?").
_PRONOUN_DEMONSTRATIVE = re.compile(
    r"\b(?:die|dat|deze|dit)\s+(?:met|van|voor|in|op|aan|bij|over|naar|door|uit|tot|tegen|nog|dan|nu|al|ook|"
    r"precies|inmiddels|eigenlijk|daar|hier|er)\b", re.I)
# A demonstrative before a noun ("die onderhandelingen"): the noun says what it points back to.
_DEMONSTRATIVE_NOUN = re.compile(r"\b(?:die|dat|deze|dit|those|these|that|this)\s+([^\W\d_][\w'’-]{3,})", re.I)


# A question that opens with its own subject (left dislocation): a noun
# phrase, set off by a comma, colon or dash, then the question proper, whose
# pronouns take that phrase up again ("Die nieuwe regeling voor X, wanneer
# gaat die in?", "The unit in Y: what does it do?"). Those pronouns and the
# opening demonstrative then refer within the question. Closed word classes
# of both languages only.
_DEMONSTRATIVES = frozenset("die dat deze dit this that these those".split())
_ARTICLES = frozenset("de het the".split())
_PREPOSITIONS = frozenset("""van voor in op aan bij met over naar door uit tot tegen onder sinds tussen rond binnen
    buiten zonder na om per via vanuit namens of for on at with about to from by against under since between around
    within without after into across""".split())
_RELATIVES = frozenset("die dat wat wie welke waar waarin waarmee waarvan waarop waarvoor waaraan waardoor waarover "
                       "who whom whose which that where".split())
_CONJUNCTIONS = frozenset("en maar of want dus noch and but or so nor".split())
# Auxiliaries, copulas and the verbs of a remark ("Dat klopt, maar ..."): a
# finite verb makes an opening "Dat is ..." a clause, not a noun phrase.
_FINITE = frozenset("""is was zijn waren wordt werd worden werden heeft had hebben hadden kan kon kunnen konden zal
    zou zullen zouden moet moest moeten mag mocht gaat ging gaan gingen komt kwam klopt klopte lijkt staat stond
    are were has have does do did can could will would should must may might""".split())
_QUESTION_WORDS = r"wat|wie|welk|welke|waar\w*|wanneer|waarom|hoe|hoeveel|what|who|whom|whose|which|where|when|why|how"
_RESUMPTIVE = r"die|dat|deze|dit|het|hij|zij|ze|hem|er|daar\w*|hier\w*|it|they|them|he|she|this|that|these|those"
# The question proper: a question word (after a preposition: "in welke stad",
# "tot wanneer"), or a verb with a pronoun as its subject ("loopt dat nog?").
_QUESTION_PROPER = re.compile(
    rf"^(?:(?:{'|'.join(sorted(_PREPOSITIONS))})\s+)?(?:{_QUESTION_WORDS})\b"
    rf"|^(?!(?:{'|'.join(sorted(_CONJUNCTIONS))})\b)[^\W\d_]+\s+(?:{_RESUMPTIVE})\b", re.I)
_SET_OFF = re.compile(r"\s*(?:[,:;]|\s[–—-])\s*")
_WORD = re.compile(r"[\w'’-]+|,")


@dataclass(frozen=True)
class _Opening:
    determiner: str  # lower case
    head: str  # the noun the phrase is about
    own: str  # what else identifies it: names and numbers in it, and what follows the noun


def opening_phrase(question: str) -> _Opening | None:
    """The noun phrase a question opens with and then asks about, or None.

    "Dat nieuwe meldpunt voor ondernemers in Tilburg: wanneer is dat geopend?"
    -> determiner "dat", head "meldpunt", own "voor ondernemers in Tilburg".
    The phrase is a determiner, adjectives and a noun (or a name), then
    optionally a prepositional phrase or relative clause; a finite verb
    before those makes it a clause ("Dat is ..., maar ...") and no phrase."""
    q = " ".join(question.split())
    first = q.split(" ", 1)[0].lower()
    if first not in _DEMONSTRATIVES | _ARTICLES:
        return None
    # The question proper starts after the first comma, colon or dash that is
    # followed by one (a relative clause may hold a comma of its own).
    for m in _SET_OFF.finditer(q):
        if _QUESTION_PROPER.match(q[m.end():]):
            phrase = q[len(first):m.start()]
            break
    else:
        return None
    words = _WORD.findall(phrase)
    span: list[str] = []
    for w in words:
        if w == "," or w.lower() in _PREPOSITIONS | _RELATIVES | _CONJUNCTIONS:
            break
        span.append(w)
    if not span or any(w.lower() in _FINITE for w in span):
        return None
    # The determiner opens the sentence, so a capital inside the phrase is a
    # name ("Groningse" universiteit, "KNMI"); a digit is a number or date.
    named = [w for w in span if w[0].isupper() or any(ch.isdigit() for ch in w)]
    common = [w for w in span if w not in named]
    # A name as the head ("Het KNMI") identifies the phrase by itself.
    head = common[-1] if common else span[0]
    return _Opening(first, head, " ".join(named + words[len(span):]).replace(" ,", ","))


def _opening_points_back(opening: _Opening, previous: str, tokenize: Callable[[str], list[str]]) -> bool:
    """Does the opening noun phrase need the previous turn? It does when it
    says nothing the previous turn did not say: its head noun and whatever
    identifies it (names, numbers, the phrase after the noun) were all there.
    A phrase of only a demonstrative, adjectives and a noun ("Dat traject,
    ...") can only be resolved from context; with a definite article ("Het
    kabinet, ...") it can name something known to all, so it points back
    only when its noun was in the previous turn."""
    before = set(tokenize(previous))
    own = set(tokenize(opening.own))
    head = set(tokenize(opening.head)) or {opening.head.lower()}
    if not own and opening.determiner in _DEMONSTRATIVES:
        return True
    return head <= before and own <= before


def leans_on_previous(question: str, own_terms: int, previous: str = "",
                      tokenize: Callable[[str], list[str]] | None = None) -> bool:
    """Does the question need the previous turn to be understood?

    `own_terms` is how many content words (after stopwords) it has: a
    question with at most one ("Wat kost dat?") cannot stand alone. A
    demonstrative points back when it stands for a noun, or when the noun it
    comes with was in the previous turn (`previous`: its question and answer)
    — "die onderhandelingen" after an answer about negotiations — and not
    when it opens a relative clause about something new. A question that
    opens with a noun phrase and then asks about it (opening_phrase) leans
    on the previous turn only when that phrase does (_opening_points_back):
    its pronouns refer to the phrase."""
    q = " ".join(question.split())
    if _CONTINUES.search(q):
        return True
    opening = opening_phrase(q)
    if opening is not None:
        return _opening_points_back(opening, previous, tokenize or _tokenize)
    if (_POINTS_BACK.search(q) or _BARE_DEMONSTRATIVE.search(q)
            or _PRONOUN_DEMONSTRATIVE.search(q) or own_terms <= 1):
        return True
    if previous and tokenize is not None:
        before = set(tokenize(previous))
        return any(set(tokenize(m.group(1))) & before for m in _DEMONSTRATIVE_NOUN.finditer(q))
    return False


# "Wanneer ..., en om welke goederen gaat het?": a second question joined on.
_SECOND_PART = re.compile(r"(?:,\s*|\s+)(?:en|and)\s+(?=(?:wat|wie|welke|welk|hoe|hoeveel|waarom|wanneer|waar|"
                          r"(?:om|over|in|voor|met|van|vanaf|op|aan|uit|door|tot|sinds|onder) (?:welke|welk|wie|wat|wanneer)|"
                          r"(?:from|since|by|until|in|on|at|for|with|to|of) (?:when|which|what|whom|where)|"
                          r"what|who|which|how|why|when|where)\b)|\?\s+(?=\S)", re.I)


def parts(question: str) -> list[str]:
    """The question split where a second question is joined on."""
    return [p.strip() for p in _SECOND_PART.split(question) if p and p.strip()]


# "Waarom ...?", "Why ...?": the reason tends to follow the sentence that
# matches the question.
_REASON_Q = re.compile(r"^(?:waarom|why|hoe komt het|om welke reden|for what reason|what is the reason)\b", re.I)
# "Welke vijf maatregelen ...", "which two tools": a list of so many items.
_LIST_Q = re.compile(r"\b(?:welke|which|wat zijn de|what are the|noem de|name the)\s+(\w+)\s+\w+", re.I)


def follow_on(question: str) -> int:
    """How many sentences after the opening one the answer needs: the
    reason after a claim (1), or the items of a list of a stated size."""
    q = " ".join(question.split())
    if _REASON_Q.search(q):
        return 1
    m = _LIST_Q.search(q)
    if m:
        from text_to_num import text2num

        for lang in ("nl", "en"):
            try:
                n = int(m.group(1)) if m.group(1).isdigit() else text2num(m.group(1).lower(), lang)
            except ValueError:
                continue
            return n if 1 < n <= 12 else 0
    return 0


@dataclass(frozen=True)
class Asked:
    """A question read once: language, kind of fact, distinguishing terms."""

    text: str
    english: bool
    kind: str
    years: tuple[str, ...]
    names: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    counted: str = ""  # what a Dutch "hoeveel X" counts
    parts: tuple[str, ...] = ()  # sub-questions after the first, if joined on with "en wat ..."
    follow: int = 0  # sentences after the opening one the answer needs (follow_on)
    # The words that ask: the user's own question, where `text` is a follow-up
    # searched together with the turn it leans on (condense).
    asking: str = ""

    @property
    def own(self) -> str:
        """The question the user asked now (`text` unless it was condensed)."""
        return self.asking or self.text


def read(question: str, asking: str | None = None) -> Asked:
    """`question`: what was searched; `asking`: the user's own question when
    that is a follow-up searched together with the previous turn. The kind of
    fact, the joined-on parts and what is counted are read from the user's own
    question (a follow-up asks its own thing: "Hoeveel teams zijn er? En waar
    zitten ze?" asks a place); names and years from all of it."""
    q = " ".join(question.split())
    own = " ".join(asking.split()) if asking else q
    english = is_english(q)
    split = parts(own)
    # The kind of fact asked for is the first question's; a joined-on second
    # question is answered on its own (ExtractiveAnswerer.select).
    return Asked(text=q, english=english, kind=asked_type(split[0] if split else own), years=tuple(YEAR.findall(q)),
                 names=tuple(dict.fromkeys(names(q))), phrases=tuple(dict.fromkeys(name_phrases(q))),
                 counted="" if english else counted_word(own), parts=tuple(split[1:]),
                 follow=follow_on(split[0] if split else own), asking=own if own != q else "")


def condense(history: list[tuple[str, str]], question: str, tokenize: Callable[[str], list[str]]) -> str:
    """A follow-up that leans on the previous turn ("Wanneer was dat?", "En
    hoeveel daarvan ...?") is searched together with the question it leans
    on; a question with its own subject is searched as itself."""
    if not history or len(question.split()) > 25:
        return question
    previous = " ".join(history[-1])
    if not leans_on_previous(question, len(set(tokenize(question))), previous, tokenize):
        return question
    return f"{history[-1][0]} {question}"


def check_question(question: object, max_chars: int) -> str:
    """The question with whitespace folded, or an InputError saying what is
    wrong. One check for every entry point (pipeline, retriever, LangChain)."""
    q = " ".join(question.split()) if isinstance(question, str) else ""
    if not q:
        raise InputError("De vraag is leeg.", "Typ een vraag over de brieven.")
    if len(q) > max_chars:
        raise InputError(f"De vraag is te lang ({len(q)} tekens; maximaal {max_chars}).",
                         "Stel een kortere, concrete vraag.")
    if not re.search(r"\w", q):
        raise InputError("De vraag bevat geen woorden.")
    return q
