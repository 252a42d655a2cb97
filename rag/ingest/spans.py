"""Typed spans of a sentence: the facts it can answer with, by type.

Computed at build time for every quotable sentence (rag.ingest.chunk stores them
with the chunk, in every store), so the question path only compares: does
the sentence hold a fact of the type asked for, and does it name the
question's anchors (a year, a place, a country) or others in their place?

    year, date, duration   "2023"; "12 maart 2024", "eind 2023", "voorjaar";
                           "drie jaar", "sinds 2019", "tot en met 2026"
    count                  a number (digits or words, text2num) and what it
                           counts: "drie nieuwe teams" -> 3, "teams"
    money, percent         "€ 12 mln.", "7 miljoen euro"; "31%", "de helft"
    country, region, city  the gazetteer (rag.ingest.gazetteer), plus the corpus's own
                           places named after "gemeente", "regio", "haven van"
    port                   "de haven van Amsterdam", "de Amsterdamse haven"
    person                 initials and a surname, or a title and a name
    org                    acronyms and named bodies ("Openbaar Ministerie")
    law                    a named law, programme, project, plan or treaty
    prospective            the sentence announces rather than reports

Each span is (kind, start, end, value, extra) in sentence offsets: `value`
is what two spans are compared by (a year, an ISO code, a folded name), and
`extra` the counted noun of a count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest import gazetteer as G
from rag.textnl import MONTHS_EN, MONTHS_NL, STOPWORDS_NL, fold, numberised

YEAR, DATE, DURATION, COUNT, MONEY, PERCENT = "year", "date", "duration", "count", "money", "percent"
COUNTRY, REGION, CITY, PORT, AREA = "country", "region", "city", "port", "area"
PERSON, ORG, LAW, PROSPECTIVE, ORDINAL = "person", "org", "law", "prospective", "ordinal"
PLACES = (COUNTRY, REGION, CITY, PORT, AREA)
KINDS = (YEAR, DATE, DURATION, COUNT, MONEY, PERCENT, COUNTRY, REGION, CITY, PORT, AREA, PERSON, ORG, LAW, PROSPECTIVE,
         ORDINAL)
# "de derde voortgangsrapportage": which one of a series (value: the number, extra: the noun).
_ORDINALS = ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende",
             "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\s+([\w'’-]{4,})", re.I)


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    value: str
    extra: str = ""

    def as_tuple(self) -> tuple[str, int, int, str, str]:
        return (self.kind, self.start, self.end, self.value, self.extra)


MONTHS = "|".join(dict.fromkeys(MONTHS_NL + MONTHS_EN))
_SEASONS = r"voorjaar|najaar|zomer|winter|zomerreces|kerstreces|jaareinde|jaarwisseling|spring|summer|autumn|fall"
_YEAR = re.compile(r"(?<![\d./-])(?:19|20)\d\d(?!\d|[.,]\d|-\d\d-)")
# Words that place a date within its period ("eind 2023", "medio maart").
DATE_QUALIFIERS = r"begin|medio|eind|half|halverwege"
_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})(?:\s+(?:19|20)\d\d)?\b|\b(?:{DATE_QUALIFIERS}|"
                   rf"eerste helft|tweede helft|(?:{MONTHS})|{_SEASONS}|Q[1-4]|(?:eerste|tweede|derde|vierde) kwartaal)"
                   rf"\s+(?:van\s+)?(?:19|20)\d\d\b|\b(?:{MONTHS})\b|\b(?:{_SEASONS})\b", re.I)
# Time units after a number; "sinds 2019", "tot 2027", "2020-2023": periods.
_UNITS = (r"jaar|jaren|maanden|maand|weken|week|dagen|dag|uur|uren|minuten|minuut|seconden|decennia|decennium|"
          r"years?|months?|weeks?|days?|hours?|minutes?|seconds?")
_DURATION = re.compile(rf"\b\d+(?:,\d+)?\s+(?:{_UNITS})\b|\b(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|"
                       rf"meer|half|\d+)-?jarige?\b|\btot (?:en met )?(?:(?:het )?(?:einde|eind|begin|medio) (?:van )?)?"
                       rf"(?:(?:{MONTHS})\s+)?(?:19|20)\d\d\b|\bperiode\s+(?:van\s+)?(?:\d{{1,2}}\s+)?(?:(?:{MONTHS})\s+)?"
                       rf"(?:19|20)\d\d|\b(?:sinds|vanaf|tot(?: en met)?|t/m|since|until)\s+"
                       rf"(?:(?:{MONTHS})\s+)?(?:19|20)\d\d\b|\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b", re.I)
_MONEY = re.compile(r"(?:€|EUR|euro)\s*\d[\d.,]*(?:\s*(?:mln|mld|mrd|miljoen|miljard|duizend|k)\b\.?)?|"
                    r"\b\d[\d.,]*\s*(?:(?:mln|mld|mrd|miljoen|miljard|duizend)\.?\s+)?(?:euro|EUR)\b|"
                    r"\b\d[\d.,]*\s*(?:mln|mld|mrd)\.?(?=\s|$)|"
                    # ("een" before "miljoen" is the number, not the article)
                    r"\b(?:een|één)\s+(?:miljoen|miljard)\s+(?:euro|EUR)\b", re.I)
# (and a share in words: "de helft", "een op de vijf", "twee derde", "one in five")
_PERCENT = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|procent\b|percent\b|procentpunt\w*)|\bde helft\b|\bhalf of\b|"
                      r"\b(?:een|één|twee) (?:derde|kwart)\b|\b(?:tweederde|driekwart)\b|"
                      r"\b(?:een|één|\d+) op (?:de )?(?:\d+|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|honderd|duizend)\b|"
                      r"\bone in (?:\d+|two|three|four|five|six|seven|eight|nine|ten|a hundred)\b|"
                      r"\b(?:a|one) (?:third|quarter) of\b|\btwo thirds\b|\bthree quarters\b", re.I)
# A number: digits (thousands "96.676", decimals "1,5") not part of a date,
# section or reference; number words are turned into digits first. The digits
# are whole ("2024-2027" and "in 2021.3" hold no count "202"), and a
# number glued to a sentence's end is its footnote marker ("… is?1", "«…»2").
# (a digit glued to a closing bracket or quote is a footnote marker: "(FP)1")
_NUMBER = re.compile(r"(?<![\w.,/?!»”’)\]-])(\d{1,3}(?:\.\d{3})+|\d+)(?!\d)(?:,\d+)?(?![\w.,/]\d|-\w)")
# Numbers that refer rather than count: "Kamerstuk 29 911, nr. 428", "artikel 3", "p. 4".
_REFERENCE = re.compile(r"\b(?:Kamerstuk(?:ken)?(?: I{1,2})?|nrs?\.|nummer|artikel|art\.|lid|p\.|pag\.|blz\.|bijlage|"
                        r"hoofdstuk|paragraaf|versie|fase)\s*[\d\s,./–-]*\d", re.I)
# Words between a number and what it counts: "drie NIEUWE teams", "40 EXTRA scanners".
_COUNT_FILLER = re.compile(r"^(?:extra|nieuwe?|grote?|kleine?|andere?|verschillende|aparte|eigen|regionale?|"
                           r"landelijke?|lokale?|internationale?|gespecialiseerde?|mobiele?|vaste?|zogenoemde|"
                           r"\w+(?:ende|ische|ige|elijke|bare|erde|rde|te))$", re.I)
_NOT_COUNTED = re.compile(rf"^(?:{_UNITS}|procent|percent|euro|miljoen|miljard|mln|mld|duizend|keer|maal|uur|"
                          rf"van|tot|en|of|in|op|per|à|tot|over|(?:{MONTHS}))$", re.I)
# A number's own multiplier word before what it counts ("drie miljoen fietsen").
# (not "mln.", "mld.": written for sums of money, the euro left out)
_MULTIPLIERS = {"duizend": 1000, "miljoen": 10 ** 6, "miljard": 10 ** 9}
_QUANTITY_WORDS = re.compile(r"\b(?:tientallen|honderden|duizenden|miljoenen|dozens|hundreds|thousands)\s+(\w[\w'’-]+)",
                             re.I)
# An attributive adjective's -e ending ("nationale", "representatieve"); a
# plural noun after a number ends in -en or -s.
_ADJECTIVE_E = re.compile(r"[^\W\d_]{3,}[^aeiou\W]e$", re.I)
# A change in number without the number: "een halvering van het aantal", "verdrievoudigd".
_MULTIPLE = re.compile(r"\b(?:verdubbel\w*|verdrievoudig\w*|verviervoudig\w*|halvering|gehalveerd|doubl\w+|tripl\w+)\b",
                       re.I)
# The corpus's own places: named after the word that says what they are.
_NAMED_PLACE = re.compile(r"\b(gemeenten?|stad|plaats|dorp|regio|provincie|eenheid|haven|zeehaven|luchthaven|"
                          r"Port of)\s+(?:van\s+|of\s+)?((?:['’]s-)?[A-ZÀ-Ý][\w'’-]+(?:[ -](?:aan|op|den|de|der|en)?\s?"
                          r"[A-ZÀ-Ý][\w'’-]+){0,3})")
# A region named as an area ("het Westlandgebied", "het Rijnmondgebied").
_AREA_COMPOUND = re.compile(r"\b[A-ZÀ-Ý][\w-]{3,}gebied\b")
_PORT_ADJ = re.compile(r"\b([A-ZÀ-Ý][\w-]+?)(?:se|sche)\s+(?:zee)?haven\b|\b(?:haven|zeehaven|luchthaven|havens)\s+"
                       r"(?:van|in|te|Port of)\s+([A-ZÀ-Ý][\w-]+)")
_INITIALS_NAME = re.compile(r"\b(?:[A-Z]\.\s?){1,5}(?:(?:van|de|der|den|ter|ten|in 't|van der|van den|van de)\s)?"
                            r"[A-ZÀ-Ý][\w'’ëïöüéèçş-]+")
_TITLE_NAME = re.compile(r"\b(?:[Mm]inister|[Ss]taatssecretaris|[Bb]urgemeester|[Pp]rofessor|[Pp]rof\.|[Dd]r\.|[Mm]r\.|"
                         r"[Ii]r\.|[Dd]rs\.|[Mm]evrouw|[Dd]e heer|heer|[Cc]ommissaris|[Hh]oogleraar|[Cc]riminoloog|"
                         r"[Pp]remier|[Pp]resident|[Kk]oning|[Kk]oningin|[Aa]mbassadeur|[Oo]fficier|[Rr]echter|"
                         r"[Pp]rocureur-generaal|[Vv]oorzitter|Kamerlid|(?:het )?lid|(?:de )?leden)\s+"
                         # after a title a surname's particle is capitalised ("minister Van Weel");
                         # "minister van Justitie" is a role
                         r"(?:[A-Z]\.\s?)*((?:(?:Van|De|Der|Den|Ter|Ten)\s(?:(?:der|den|de)\s)?)?[A-ZÀ-Ý][\w'’ëïöüéèçş-]+"
                         r"(?:-[A-ZÀ-Ý][\w'’-]+)?)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,9}s?\b(?:-[A-Z][\w]*)?")
_ORG_WORDS = (r"Openbaar Ministerie|Ministerie|Dienst|Centrum|Centra|Bureau|Raad|Autoriteit|Inspectie|Universiteit|"
              r"Instituut|Stichting|Rekenkamer|Commissie|Agentschap|Politie|politie|Douane|douane|Marechaussee|"
              r"Belastingdienst|Europol|Eurojust|Interpol|INTERPOL|Rechtspraak|Nationale Politie|Koninklijke|"
              r"Hoge Raad|Raad van State|Parket|Kamer van Koophandel|Havenbedrijf|gemeente|gemeenten")
_ORG = re.compile(rf"\b(?:{_ORG_WORDS})\b(?:\s+(?:van|voor|der|de)?\s*[A-ZÀ-Ý][\w'’-]+)*")
# A named body: a capitalised name ending in a word for a body ("Nationaal Platform
# Criminaliteitsbeheersing", "Detentie Intelligence Unit") or the generic word for
# bodies ("de Belgische diensten", "opsporingsdiensten").
_BODY = re.compile(r"(?<![\w-])(?:[A-ZÀ-Ý][\w’'-]+\s+){0,4}(?:Platform|Unit|Team|Taskforce|Coalitie|Netwerk|Organisatie|"
                   r"Federatie|Vereniging|Bond|Fonds|Partnerschap|Alliantie|Overleg|Expertisecentrum|Kenniscentrum|"
                   r"Informatiecentrum|Collectief)\b(?:\s+[A-ZÀ-Ý][\w’'-]+){0,3}|"
                   # the generic word only when it says which bodies: "Belgische diensten", "opsporingsdiensten"
                   r"\b[A-ZÀ-Ý]\w+(?:e|se|sche)\s+(?:en\s+[A-ZÀ-Ý]\w+(?:e|se|sche)\s+)?(?:diensten|instanties|organisaties|"
                   r"instellingen|autoriteiten|bedrijven|inspecties|ministeries|politiediensten)\b|"
                   r"\b\w+(?:diensten|instanties|autoriteiten)\b")
# The words a named law, programme or plan opens with ("Wet fietsheling II").
LAW_HEADS = (r"Wet|Wetboek|wetsvoorstel|Programma|programma|Project|project|Plan|plan|Actieplan|actieplan|"
             r"Convenant|convenant|Verdrag|verdrag|Regeling|Besluit|Richtlijn|richtlijn|Verordening|verordening|"
             r"Strategie|strategie|Agenda|Pact|pact|Akkoord|akkoord|campagne|Campagne|aanpak|Aanpak|"
             r"pilot|Pilot|offensief|Offensief|kader|Kader")
_LAW = re.compile(rf"\b(?:{LAW_HEADS})\s+(?:tegen\s+|ter\s+|voor\s+|van\s+|de\s+)?"
                  r"(?:[«“\"‘']|[A-ZÀ-Ý0-9])[^.;,()]{1,60}?(?=[»”\"’']|[.;,()]|\s+(?:[a-z]+)\b|$)|"
                  r"[«“‘][^»”’]{3,80}[»”’]")
_NAME_PHRASE = re.compile(r"(?<![\w-])([A-ZÀ-Ý][\w’'-]+(?:\s+(?:(?:met|van|voor|de|en|tegen|in de|op|der|den)\s+)?"
                          r"(?:[A-ZÀ-Ý][\w’'-]+|[IVX]{1,4}\b))+)")
# Announcing rather than reporting (the grammar of a letter that promises).
PROSPECTIVE_RE = re.compile(
    r"\b(?:zal|zullen|zult|zou|zouden|gaan we|gaat|verwacht\w*|naar verwachting|nog niet|voorbereiding\w*|voornemen\w*|"
    r"opstarten|van plan|binnenkort|op termijn|te zijner tijd|streef\w*|beoog\w*|(?:wordt|worden)(?: \w+){0,5} "
    r"(?:onderzocht|uitgewerkt|verkend|bezien|bekeken|ontwikkeld|voorbereid|geëvalueerd|opgesteld|uitgebreid|"
    r"voortgezet|geïntensiveerd)|"
    r"informeer\w*(?: \w+){0,4} (?:uw )?Kamer|aangekondigd|announced|te informeren|(?:uw )?Kamer(?: \w+){0,4} geïnformeerd|ingediend|aangeboden|"
    r"voorgelegd|in behandeling|wacht\w* op|in voorbereiding|in ontwikkeling|in gang gezet|gestart|starten|start|"
    r"aan de slag|buigen over|loopt nog|lopen nog|nog gaande|is gaande|"
    # an investigation under way: "er vindt een onderzoek naar de diefstallen plaats", "de lopende onderzoeken"
    r"(?:vindt|vinden) (?:\w+ ){0,2}onderzoek\w* plaats|lopende (?:\w+ )?onderzoek\w*|"
    r"werk(?:en|t) (?:we |ik )?(?:verder )?aan|onderzoeken|onderzoekt|verkennen|verkent|in kaart gebracht|"
    r"opdracht\w* (?:gegeven|verleend)|gevraagd(?: \w+){0,8} (?:onderzoek|te onderzoeken)|"
    r"volgend jaar|komend jaar|later dit jaar|na de zomer|na het zomerreces|in de loop van|eind dit jaar|"
    r"de komende (?:tijd|periode|jaren|maanden)|in de komende|"
    r"totdat|zodra|aanhouden|houd\w* aan|"
    r"will|would|plans? to|is expected|are expected|has been submitted|pending|"
    # a request of parliament, not its outcome: "vroeg uw Kamer of dat kon"
    r"(?:vroeg|vroegen|verzocht|verzochten) (?:uw|de) Kamer|(?:uw|de) Kamer(?: \w+){0,2} (?:gevraagd|verzocht)|"
    # ... and a party's or a motion's request of the government ("De X-fractie vraagt de regering om ...")
    r"(?:vraagt|vragen|verzoekt|verzoeken)(?: \w+){0,2} (?:de regering|het kabinet|de minister|de staatssecretaris)|"
    r"(?:is|zijn|werd|werden) (?:de regering|het kabinet|de minister|de staatssecretaris)(?: \w+){0,3} "
    r"(?:verzocht|gevraagd)|"
    # what a body or tool was set up for, not what it found: "is opgezet om zicht te krijgen op"
    r"(?:is|zijn|werd|werden)(?: \w+){0,6} (?:opgericht|ontwikkeld|ingesteld|opgezet|in het leven geroepen) om|"
    r"(?:was|were|has been|have been)(?: \w+){0,3} (?:set up|established|developed|created) to)\b", re.I)
# A sentence about the letter itself ("In deze brief geef ik een overzicht", "Hierbij
# bied ik u ... aan"): it reports no outcome either.
_ABOUT_THE_LETTER = re.compile(r"^\W*(?:in|met|middels|via) deze brief\b|\b(?:bij|met) deze brief\b[^.]*\b(?:meegezonden|"
                               r"meegestuurd|bijgevoegd|aangeboden)\b|\bhierbij (?:bied|stuur|zend|informeer|doe|ontvangt)\b|"
                               r"\b(?:bied|stuur|zend) ik (?:u|uw Kamer)\b|\bga ik (?:in deze brief )?(?:\w+ )?in op\b|"
                               r"^\W*(?:ik|wij|we) (?:zal|zullen) (?:hieronder|hierna|in deze brief|eerst|allereerst) "
                               r"(?:\w+ )?(?:ingaan op|in op)\b", re.I)


NUMBER_WORDS = re.compile(r"\b(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|"
                           r"vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|"
                           r"zeventig|tachtig|negentig|honderd|duizend|\w+(?:tig|honderd|duizend))\b", re.I)


_IN_ACHT = re.compile(r"\s+(?:te\s+)?(?:nemen|neemt|nam|namen|genomen)\b", re.I)


def _counts(text: str, masked: str) -> list[Span]:
    """A number and what it counts, with number words read as numbers.
    `masked` is the text with references blanked (same offsets)."""
    out = []
    for m in _NUMBER.finditer(masked):
        out.append(_count_at(text, m.start(), m.end(), m.group(0).replace(".", "")))
    for m in NUMBER_WORDS.finditer(masked):
        word = m.group(0)
        if word.lower() in ("een", "één"):
            continue  # "een" is the article far more often than the number
        if word.lower() == "acht" and _IN_ACHT.match(text, m.end()):
            continue  # "in acht nemen": to observe, no eight
        digits = numberised(word)
        if digits.strip().isdigit():
            out.append(_count_at(text, m.start(), m.end(), digits.strip()))
    for m in _QUANTITY_WORDS.finditer(text):
        out.append(Span(COUNT, m.start(), m.end(), m.group(0).split()[0].lower(), fold(m.group(1))))
    for m in _MULTIPLE.finditer(text):
        out.append(Span(COUNT, m.start(), m.end(), fold(m.group(0)), ""))
    return [s for s in out if s is not None]


def is_multiple(span: Span) -> bool:
    """A count span that names a change in number, not the number ("verdubbeling")."""
    return span.kind == COUNT and bool(_MULTIPLE.fullmatch(span.value))


# A date's value that starts with its day, as _DATE reads "3 april 2024".
_DAY_FIRST = re.compile(r"\d{1,2}\s")


def has_day(span: Span) -> bool:
    """A date span that names its day, not only a month, a season or part of a year."""
    return span.kind == DATE and bool(_DAY_FIRST.match(span.value))


def _count_at(text: str, a: int, b: int, value: str) -> Span | None:
    """The count at text[a:b] and the noun it counts (after any adjectives)."""
    if _YEAR.fullmatch(text[a:b]) or re.match(r"\s*(?:%|‰)", text[b:]):
        return None  # a year or a percentage, not a count
    after = re.findall(r"[\w'’-]+", text[b: b + 80])
    noun = ""
    for k, w in enumerate(after[:4]):
        times = _MULTIPLIERS.get(w.lower())
        if (times and k + 1 < len(after) and not _NOT_COUNTED.match(after[k + 1])
                and fold(after[k + 1]) not in STOPWORDS_NL):
            # "drie miljoen fietsen": the number's own word, then what it counts
            value = str(int(value) * times) if value.isdigit() else value
            continue
        if _NOT_COUNTED.match(w):
            return None  # a measure (time, money, percentage), not a count
        if _COUNT_FILLER.match(w) or (_ADJECTIVE_E.search(w) and k + 1 < len(after[:4])):
            continue  # "twee nationale teams": an inflected adjective before the noun
        noun = w
        break
    return Span(COUNT, a, b, value, fold(noun))


def _places(text: str) -> list[Span]:
    out: list[Span] = []
    for a, b, p in G.find(text):
        out.append(Span(p.kind, a, b, p.key, fold(p.name)))
    # "Porto (Portugal)", "Gdańsk (Polen)": a place named with its country is a city.
    for m in re.finditer(r"\b([A-ZÀ-Ý][\w'’-]+(?:\s[A-ZÀ-Ý][\w'’-]+)?)\s+\(([A-ZÀ-Ý][\w\s'’-]+)\)", text):
        if any(s.start <= m.start(1) < s.end for s in out):
            continue
        if any(p.kind == G.COUNTRY for _, _, p in G.find(m.group(2), opens_sentence=False)):
            out.append(Span(CITY, m.start(1), m.end(1), "name:" + fold(m.group(1)), fold(m.group(1))))
    for m in _NAMED_PLACE.finditer(text):
        word, name = m.group(1).lower(), m.group(2)
        kind = (REGION if word in ("regio", "provincie", "eenheid") else PORT if "haven" in word or word == "port of"
                else CITY)
        a = m.start(2)
        if not any(s.start <= a < s.end for s in out):
            out.append(Span(kind, a, a + len(name), "name:" + fold(name), fold(name)))
    for m in _AREA_COMPOUND.finditer(text):
        if not any(s.start <= m.start() < s.end for s in out):
            out.append(Span(REGION, m.start(), m.end(), "name:" + fold(m.group(0)), fold(m.group(0))))
    for m in _PORT_ADJ.finditer(text):
        name = m.group(1) or m.group(2)
        a = m.start(1) if m.group(1) else m.start(2)
        # The port of a known city keeps the city's identity ("haven van
        # Amsterdam" and "de Amsterdamse haven" take Amsterdam's); "havens in
        # Oost-Azië" names a part of the world, not a port.
        near = next((s for s in out if s.start <= a < s.end + 4), None)
        if near is not None and near.kind not in (CITY, PORT):
            continue
        city = G.city_of_adjective(name) if m.group(1) else None
        value = near.value if near else city.key if city else "name:" + fold(name)
        out.append(Span(PORT, a, a + len(name), value, fold(name)))
    return out


# After a role, a run of capitalised words joined by commas and "en" is its
# portfolio ("staatssecretaris Fietsen, Wegen en Water"), not a name.
_PORTFOLIO_REST = re.compile(r"(?:,\s+[A-ZÀ-Ý][\w-]+)*\s+en\s+[A-ZÀ-Ý][\w-]+")


def _portfolios(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _TITLE_NAME.finditer(text):
        rest = _PORTFOLIO_REST.match(text, m.end(1))
        # (members are named in twos: "de leden Bikker en Kuik")
        if rest and not re.match(r"(?:Van|De|Der|Den|Ter|Ten)\s", m.group(1)) and re.match(
                r"(?i)(?:minister|staatssecretaris)\b", m.group(0)):
            out.append((m.start(1), rest.end()))
    return out


def _people(text: str, portfolios: list[tuple[int, int]]) -> list[Span]:
    out = [Span(PERSON, m.start(), m.end(), fold(m.group(0).split()[-1]), "") for m in _INITIALS_NAME.finditer(text)]
    for m in _TITLE_NAME.finditer(text):
        if not any(s.start <= m.start(1) < s.end for s in out) and not any(a == m.start(1) for a, _ in portfolios):
            out.append(Span(PERSON, m.start(1), m.end(1), fold(m.group(1).split()[-1]), ""))
    return out


# A period of years names every year in it: "2030–2035", "schooljaar 2030/31",
# "2030 tot en met 2035", "tussen 2030 en 2035" (its inner years are spans
# marked IN_RANGE, at the period's place).
_YEAR_RANGE = re.compile(r"(?<![\d./-])((?:19|20)\d\d)(?:\s*[–—/-]\s*|\s+(?:tot en met|t/m|tot)\s+)((?:19|20)\d\d|\d\d)(?!\d)|"
                         r"\btussen ((?:19|20)\d\d) en ((?:19|20)\d\d)\b", re.I)
IN_RANGE = "range"
MAX_RANGE_YEARS = 30


def _years_in_ranges(masked: str, named: set[str]) -> list[Span]:
    out = []
    for m in _YEAR_RANGE.finditer(masked):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        first = int(a)
        last = int(b) if len(b) == 4 else first // 100 * 100 + int(b)
        if 0 < last - first <= MAX_RANGE_YEARS:
            out += [Span(YEAR, m.start(), m.end(), str(y), IN_RANGE) for y in range(first, last + 1)
                    if str(y) not in named]
    return out


def when(text: str) -> list[Span]:
    """The years, dates and periods of one sentence (what `extract` finds
    first, without the slower places, people and bodies)."""
    spans: list[Span] = []
    masked = _REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
    for m in _YEAR.finditer(masked):
        spans.append(Span(YEAR, m.start(), m.end(), m.group(0)))
    spans += _years_in_ranges(masked, {s.value for s in spans})
    for m in _DATE.finditer(text):
        spans.append(Span(DATE, m.start(), m.end(), fold(m.group(0))))
    digits = numberised_same_length(text)
    for m in _DURATION.finditer(digits):
        spans.append(Span(DURATION, m.start(), m.end(), fold(text[m.start():m.end()])))
    return spans


def extract(text: str) -> list[Span]:
    """Every typed span of one sentence, in order of position."""
    spans = when(text)
    masked = _REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
    digits = numberised_same_length(text)
    # (an amount in words is an amount: "drie miljoen euro")
    for m in _MONEY.finditer(digits):
        spans.append(Span(MONEY, m.start(), m.end(), fold(text[m.start():m.end()])))
    for m in _PERCENT.finditer(text):
        spans.append(Span(PERCENT, m.start(), m.end(), fold(m.group(0))))
    spans += _counts(text, masked)
    spans += _places(text)
    portfolios = _portfolios(text)
    spans += _people(text, portfolios)
    for m in _ACRONYM.finditer(text):
        spans.append(Span(ORG, m.start(), m.end(), m.group(0)))
    for m in _ORG.finditer(text):
        spans.append(Span(ORG, m.start(), m.end(), fold(m.group(0))))
    for m in _BODY.finditer(text):
        spans.append(Span(ORG, m.start(), m.end(), fold(m.group(0))))
    for m in _LAW.finditer(text):
        spans.append(Span(LAW, m.start(), m.end(), fold(m.group(0))))
    for m in _NAME_PHRASE.finditer(text):
        # (a sentence-initial capital is no name, nor a role's portfolio)
        if m.start() > 0 and not any(a <= m.start() < b for a, b in portfolios):
            spans.append(Span(LAW, m.start(), m.end(), fold(m.group(0)), "phrase"))
    for m in _ORDINAL.finditer(text):
        n = _ORDINALS.index(m.group(1).lower()) % 10 + 1
        spans.append(Span(ORDINAL, m.start(), m.end(), str(n), fold(m.group(2))))
    m = PROSPECTIVE_RE.search(text) or _ABOUT_THE_LETTER.search(text)
    if m:
        spans.append(Span(PROSPECTIVE, m.start(), m.end(), fold(m.group(0))))
    # A body's name that is also a place somewhere ("de Douane", a French
    # town) is the body.
    bodies = {(x.start, x.end) for x in spans if x.kind == ORG}
    spans = [x for x in spans if not (x.kind in PLACES and (x.start, x.end) in bodies)]
    # The whole record as key: spans tied on position and kind (an acronym and
    # its folded ORG twin) must not come out in set order, which changes with
    # the hash seed, so an index built twice would store them differently.
    return sorted(set(spans), key=lambda s: (s.start, s.kind, s.end, s.value, s.extra))


def numberised_same_length(text: str) -> str:
    """Number words replaced by digits padded to the word's length, so
    offsets stay those of the text ("drie jaar" -> "3    jaar")."""
    def sub(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in ("een", "één"):
            return word
        digits = numberised(word).strip()
        return digits.ljust(len(word)) if digits.isdigit() and len(digits) <= len(word) else word

    return NUMBER_WORDS.sub(sub, text)


# "Now" in a letter: the time of its writing.
_PRESENT = re.compile(r"\b(?:momenteel|op dit moment|op het moment van schrijven|thans|currently|at present)\b", re.I)
# A year named relative to the letter's: "vorig jaar", "dit jaar", "volgend jaar".
_RELATIVE_YEAR = {"vorig": -1, "afgelopen": -1, "verleden": -1, "dit": 0, "volgend": 1, "komend": 1,
                  "last": -1, "this": 0, "next": 1}
_YEAR_WORDS = re.compile(r"\b(" + "|".join(_RELATIVE_YEAR) + r")\s+(?:jaar|year)\b", re.I)
# A month the letter dates only by "jl." (the last one before the letter) or
# "a.s." (the next one): "op 8 maart jl.", "op 10 april aanstaande".
_MONTH_WORDS = re.compile(rf"\b({MONTHS})\s+(jl\.|j\.l\.|jongstleden|a\.s\.|aanstaande)", re.I)
# The extra of a YEAR span that is read off the letter's date ("momenteel",
# "vorig jaar", "8 maart jl.") rather than written in the sentence.
OF_THE_LETTER = "letter"


def _month_number(name: str) -> int:
    name = name.lower()
    return (MONTHS_NL.index(name) if name in MONTHS_NL else MONTHS_EN.index(name)) + 1


def _years_off_letter_date(text: str, a: int, b: int, date: str) -> list[tuple[str, int, int, str, str]]:
    """The years a sentence names only relative to its letter's date (ISO):
    "momenteel" its own year, "vorig jaar" the one before, "op 8 maart jl."
    the year of the last March before the letter, "10 april a.s." that of
    the next April."""
    year, month = int(date[:4]), int(date[5:7]) if date[5:7].isdigit() else 0
    out = []
    now = _PRESENT.search(text, a, b)
    if now:
        out.append((YEAR, now.start(), now.end(), str(year), OF_THE_LETTER))
    for m in _YEAR_WORDS.finditer(text, a, b):
        out.append((YEAR, m.start(), m.end(), str(year + _RELATIVE_YEAR[m.group(1).lower()]), OF_THE_LETTER))
    for m in _MONTH_WORDS.finditer(text, a, b):
        named, past = _month_number(m.group(1)), m.group(2).lower().startswith("j")
        shift = 0 if not month else (-1 if past and named > month else 1 if not past and named < month else 0)
        out.append((YEAR, m.start(), m.end(), str(year + shift), OF_THE_LETTER))
    return out


def of_chunk(text: str, answer_spans: tuple[tuple[int, int], ...],
             date: str = "") -> tuple[tuple[str, int, int, str, str], ...]:
    """The typed spans of a chunk's quotable sentences, in chunk offsets (what
    rag.ingest.chunk stores with the chunk). `date`: the letter's (ISO): a
    sentence that names no year of its own but says "momenteel", "vorig
    jaar" or "8 maart jl." is about a year read off the letter's date
    ("momenteel staan 40 fietsen ..." in a 2031 letter answers no question
    about 2030)."""
    out = []
    for a, b in answer_spans:
        found = extract(text[a:b])
        out += [(k, a + s, a + e, v, x) for k, s, e, v, x in (sp.as_tuple() for sp in found)]
        if date[:4].isdigit() and not any(sp.kind == YEAR or (sp.kind == DATE and _YEAR.search(sp.value))
                                          for sp in found):
            out += _years_off_letter_date(text, a, b, date)
    return tuple(out)
