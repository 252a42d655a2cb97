"""Read a parliamentary document by its published layout: what its header
says about the document, and which lines are furniture.

The documents users add come from the official publication site (Kamerstukken,
the Aanhangsel van de Handelingen, Handelingen, Staatscourant), the parliament's
site ("Brief regering : <onderwerp>" pages with hard-wrapped lines), sites that
republish parliamentary data (their own metadata lines above a rendering of the
official text) and the official PDF (running heads and footers). They share the
conventions of the Kamerstuk form, not the wording of any one document:

    <dossier nr> <dossier title>                  29 911 Bestrijding georganiseerde criminaliteit
    Nr. <n> <DOCUMENT TYPE LINE>                  Nr. 437 BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID
    Aan de Voorzitter van de Tweede Kamer ...
    Den Haag, <date>
    ... body ...

and, for written questions, "Vragen van het lid <naam> (<partij>) aan de
<bewindspersoon> over <onderwerp> (ingezonden <datum>)." / "Antwoord van
<bewindspersoon> (<ministerie>) (ontvangen <datum>)." followed by "Vraag N" /
"Antwoord N" or numbered questions.

`parse(raw)` returns the `DocHeader` (what a citation needs: title, dossier,
number, Kamerstuk, type, date, sender, members) and the raw line spans that are
furniture, with their kind. The cleaner keeps furniture visible in the letter
view but never joins it to a sentence and never lets it be quoted.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any, Callable

from rag.textnl import MONTHS_NL, fold

# --------------------------------------------------------------------------- records

# Document types (Letter.kind). The first two are the values older manifests use.
KAMERBRIEF = "kamerbrief"
ANTWOORDEN = "beantwoording kamervragen"
KAMERVRAGEN = "kamervragen"
MOTIE = "motie"
VERSLAG = "verslag"
NOTA = "nota"
HANDELINGEN = "handelingen"
OVERIG = "overig"
KINDS = (KAMERBRIEF, ANTWOORDEN, KAMERVRAGEN, MOTIE, VERSLAG, NOTA, HANDELINGEN, OVERIG)
# How a document type is named in a sentence (a title made of sender and date).
KIND_LABELS = {
    KAMERBRIEF: "Brief", ANTWOORDEN: "Antwoorden op Kamervragen", KAMERVRAGEN: "Kamervragen",
    MOTIE: "Motie", VERSLAG: "Verslag", NOTA: "Nota", HANDELINGEN: "Handelingen", OVERIG: "Document",
}


@dataclass(frozen=True)
class DocHeader:
    """What a document states about itself; "" (or ()) where it does not."""

    title: str = ""  # its own subject; "" when it states none
    kind: str = ""  # one of KINDS, "" when the layout does not say
    dossier: str = ""  # "29 911", "36 800 X", "21 501-08"
    other_dossiers: tuple[str, ...] = ()
    dossier_title: str = ""
    number: str = ""  # "437", "B", an Aanhangsel or Handelingen number
    kamerstuk: str = ""  # "29 911, nr. 437"; "35 593, B"; "Aanhangsel Handelingen II 2021-2022, nr. 3369"
    date: str = ""  # ISO
    sender: str = ""  # role(s) as written, "Minister van Justitie en Veiligheid"
    sender_name: str = ""  # "D. Yeşilgöz-Zegerius"; several joined by "; "
    members: tuple[str, ...] = ()  # Kamerleden: "Van Nispen (SP)"


@dataclass(frozen=True)
class Layout:
    header: DocHeader
    # (raw start, raw end, kind) of every furniture line, in order.
    furniture: tuple[tuple[int, int, str], ...] = field(default_factory=tuple)

    def furniture_lines(self) -> dict[int, str]:
        """raw offset of a furniture line's first character -> its kind."""
        return {a: k for a, _, k in self.furniture}


# --------------------------------------------------------------------------- pieces of the form

_MONTH = "|".join(MONTHS_NL)
DATE_NL = rf"(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})"
_DATE_NL = re.compile(DATE_NL, re.I)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DMY = re.compile(r"\b(\d\d)-(\d\d)-((?:19|20)\d\d)\b")

# A dossier number: "29 911", "29911", "36 800 X", "32 123 XVIII", "21 501-08", "21501 08".
_DOSSIER_NR = r"(\d{2}\s?\d{3}(?:(?:\s|-)(?:[IVXLC]{1,6}|\d{2}|[A-Z](?![a-z])))?)"
_DOSSIER_LINE = re.compile(rf"^{_DOSSIER_NR}(?:\s+(\S.*))?$")
_NR_LINE = re.compile(r"^(?:Nr\.|nr\.)\s*(\d+)?\s*(.*)$")
# Eerste Kamer documents carry a letter instead of "Nr.": "B VOORLOPIG VERSLAG ..."
# (a footnote marker may stick to the letter: "H1 BRIEF VAN ...").
_EK_LINE = re.compile(r"^([A-Z]{1,2})(?:\d{1,2})?\s+((?:HERDRUK\d*\s+)?[A-Z][A-ZÀ-Ý ,.'’()\-–]{8,}\d{0,2})$")
_TYPE_WORDS = (r"BRIEF|MOTIE|AMENDEMENT|VERSLAG|VOORLOPIG VERSLAG|EINDVERSLAG|NOTA|MEMORIE|LIJST|"
               r"VERSLAG VAN EEN|GEWIJZIGDE MOTIE|ADVIES|VOORSTEL|KONINKLIJKE BOODSCHAP|BRIEF VAN")
_TYPE_LINE = re.compile(rf"^(?:HERDRUK\d*\s+)?(?:{_TYPE_WORDS})\b[A-ZÀ-Ý0-9 ,.'’()/\-–]*$")
# The opening lines of a letter quoted whole inside another document (a
# verslag van een schriftelijk overleg holds the committee's letter and the
# minister's reply): the addressee, which here may be anyone, and the place and date.
_THE_HAGUE = r"(?:Den Haag|'s-Gravenhage|’s-Gravenhage)"
_INNER_OPENING = re.compile(rf"^(?:Aan (?:de|het) [A-Z][^.]{{0,150}}|{_THE_HAGUE},?\s*{DATE_NL}\.?)$")
_ADDRESSEE = re.compile(r"^Aan de (?:Voorzitter|voorzitter|leden) van de (?:Tweede|Eerste) Kamer", re.I)
_PLACE_DATE = re.compile(rf"^{_THE_HAGUE},?\s*,?\s*{DATE_NL}\.?$", re.I)
_DATUM_LINE = re.compile(rf"^(?:Datum|Datum van publicatie)\s*:?\s*{DATE_NL}\s*$", re.I)
_FIXED_LINE = re.compile(rf"^(Vastgesteld|Voorgesteld|Ontvangen|Gepubliceerd:?|Ingediend|Beantwoord)\s+{DATE_NL}", re.I)
_SUBJECT_LINE = re.compile(r"^(?:Onderwerp|Betreft)\s*:?\s+(\S.*?)\s*$", re.I)
# "Brief regering : <onderwerp>", "Antwoord schriftelijke vragen : ...": the parliament's site.
# (the type may hold abbreviations and alternatives: "Nota n.a.v. het (nader/tweede nader/enz.) verslag")
_SITE_TYPE = re.compile(r"^([A-Z][a-zé.]+(?: [\w.()/é-]+){0,8})\s+:\s+(\S.*)$")
_QUESTIONS = re.compile(r"^Vragen van (?:het lid|de leden)\s", re.I)
_ANSWER_HEAD = re.compile(r"^(?:Antwoord|Mededeling)(?:en)? van\s", re.I)
# A table of contents: its heading ("Inhoudsopgave", "Inhoudsopgave blz."), then
# entries ("3.2 Fietsroutes", "Bijlage 2 Begrippen ... 14"), or their
# parts one to a line as the parliament's site prints them ("I.", "Vragen
# van de fracties", "2"), down to the first line that is none of these, or to
# the body's repeat of an entry (rag.ingest.layout._contents).
_CONTENTS_HEAD = re.compile(r"^(?:inhoudsopgave|inhoud|table of contents|contents)(?:\s+(?:blz|pag|pagina|page)\.?)?"
                            r"\s*:?$", re.I)
# An entry's number ("3.2", "II.", "B.") and its page number at the end.
_ENTRY_NUMBER = r"\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.|[A-Z]\."
_ENTRY_PAGE = r"[\s.·…]*\d{1,3}$"
# An entry's number or page number alone, or the page column's head.
_CONTENTS_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.?|[A-Z]\.|blz\.?|pag\.?|pagina|page)$", re.I)
_CONTENTS_ENTRY = re.compile(rf"^(?:(?:{_ENTRY_NUMBER}|(?:Bijlage|Hoofdstuk|Deel|Annex|"
                             r"Chapter)\s+[\dIVXA-Z]{1,4}\.?)\s+[^\n]{2,150}?|(?:Samenvatting|Inleiding|Voorwoord|"
                             r"Literatuur(?:lijst)?|Bijlagen?|Afkortingen(?:lijst)?|Summary|Introduction))"
                             r"(?:\s*[.·…\s]*\d{1,3})?$")
# An entry without its number and page: what the body's heading repeats.
_ENTRY_PARTS = re.compile(rf"^(?:{_ENTRY_NUMBER})\s+|{_ENTRY_PAGE}")
_VRAAG_LABEL = re.compile(r"^(?:[•·▪*-]\s*)?Vraag\s+(\d{1,3})(?:\s*(?:,|en|t/m|-|–)\s*\d{1,3})*\s*:?$", re.I)
_ANTWOORD_LABEL = re.compile(r"^Antwoord(?:\s+(?:op\s+vraag\s+)?\d{1,3}(?:\s*(?:,|en|t/m|-|–)\s*\d{1,3})*)?\s*:?$", re.I)
_SALUTATION = re.compile(r"^Geachte\s", re.I)
_CLOSING = re.compile(r"^(?:Hoogachtend|Met vriendelijke groet(?:en)?)\s*,?$", re.I)
_SIGNATORY = re.compile(r"^(?:De |Het )?(?:[Mm]inister|[Ss]taatssecretaris|[Mm]inister-[Pp]resident)\b[^.\n]{0,100},\s*$")
_OFFICIAL_ROLE = re.compile(r"^(?:De |Het )?(?:voorzitter|griffier|adjunct-griffier|Voorzitter|Griffier|Adjunct-griffier)"
                            r"\b[^.\n]{0,80},\s*[A-Z][^\n]{1,60}$")
# Running heads, footers and colophon of the official PDF.
_RUNNING = re.compile(
    r"^\s*(?:Tweede|Eerste) Kamer,\s*vergaderjaar\s+\d{4}\s*[–-]\s*\d{4},\s*[\d ]+[A-Z]*(?:[ -][\dA-Z]+)?,\s*(?:nr\.\s*\d+|[A-Z]{1,2})\b.{0,12}$"
    r"|^\s*kst-\d+[-\w]*(?:\s|$)|^\s*ISSN\s+\d{4}\s*-?\s*\d{4}|^\s*['’]s-Gravenhage\s+\d{4}\s*$"
    r"|^\s*ah-tk-\d+-\d+(?:\s|$)|^\s*h-tk-\d+-\d+", re.I)
# The Aanhangsel's own header table ("Tweede Kamer der Staten-Generaal | 2 |", "Vergaderjaar 2021-2022 | Aanhangsel ...").
_TABLE_ROW = re.compile(r"^\s*\|?\s*(?:Tweede|Eerste) Kamer der Staten-Generaal\b|^\s*Vergaderjaar\s+\d{4}\s*[–-]?\s*(?:\d{4})?"
                        r"|^\s*Vragen gesteld door de leden der Kamer|^\s*Aanhangsel van de Handelingen\b"
                        r"|^\s*Datum publicatie\s*Organisatie|^\s*Kamerstuk\s*$|^\s*Officiële publicatie\s*$"
                        r"|^\s*(?:Tweede|Eerste) Kamer der Staten-Generaal\s*\d{4}", re.I)
# Metadata lines of the data sites and their list items.
_SITE_META = re.compile(
    r"^\s*(?:Nummer:|Gerelateerde personen:|Onderdeel van (?:zaak|kamerstukdossier)\b|Preview document\b|"
    r"Gepubliceerd:|Indiener\(s\):|Onderwerpen:?\s|Bron(?: vraag| antwoord)?:?\s+https?://|ID:\s|Kamerstuk \d{4,5}-|"
    r"Kamervraag \d{4}Z\d+|Ingediend\s|Beantwoord\s|Beantwoord door\s|Indiener\s|Kerngegevens\s*$|Officiële titel\s|"
    r"Documentdatum\s|Publicatiedatum\s|Nummer\s+KST|Kenmerk\s|Externe link\b|Originele document\b|Tekst\s*$|"
    r"Deze (?:brief|memorie van (?:antwoord|toelichting)|motie|nota|kamervraag|verslag)\b.{0,60}\b(?:is onder nr\.|toegevoegd aan)|"
    r"Directe link\b|Naar boven\s*$|\d\.\s*$|X\s*$|X Noot\b|Noot\s*\d*\s*$)", re.I)
_NOTE_MARK = re.compile(r"^\s*X Noot(?:\s+\d{1,3})?\s*$")
# The lines by which a data site is recognised (weak ones like "X" or "1." are not).
_SITE_BLOCK = re.compile(
    r"^\s*(?:Nummer:\s*\S+,\s*datum:|Gerelateerde personen:|Onderdeel van (?:zaak|kamerstukdossier)\b|Gepubliceerd:|"
    r"Indiener\(s\):|ID:\s|Kamervraag \d{4}Z\d+|Ingediend\s+\d|Beantwoord\s+\d|Beantwoord door\s|Kerngegevens\s*$|"
    r"Documentdatum\s|Kenmerk\s+\d|Bron(?: vraag| antwoord)?:?\s+https?://)", re.I)
_SITE_ITEM = re.compile(r"^\s*-\s*(?:Eerste ondertekenaar|Mede ondertekenaar|Mede namens|Gericht aan|Indiener|"
                        r"Medeindiener|Voortouwcommissie|\d{4}-\d\d-\d\d\s+\d\d:\d\d)\b", re.I)
_MOTION_NAME = re.compile(r"^(?:[A-Z][\w'’-]+|van|de|der|den|ter|ten|in ’t|in 't)(?:\s+(?:[A-Z][\w'’-]+|van|de|der|den|ter|ten))"
                         r"{0,4}$")
_MOTION_FORMULA = re.compile(r"^(?:De Kamer,|gehoord de beraadslaging,|en gaat over tot de orde van de dag\.?)\s*$", re.I)
# The name under a signature: initials and a surname ("F.B.J. Grapperhaus", "D.M. van Weel").
_SIGNER_NAME = re.compile(r"^(?:[A-Z]\.\s?){1,5}(?:[a-z]{1,4}\s){0,3}[A-ZÀ-Ý][\w’'ëïöüéèçş-]+(?:[ -][A-Za-zÀ-ÿ][\w’'ëïöüéèçş-]+){0,3}$")
_SIGNATURE_ONE_LINE = re.compile(
    r"^((?:De |Het )?(?:[Mm]inister|[Ss]taatssecretaris|[Mm]inister-[Pp]resident)\b[^.\n]{0,100}?),?\s+"
    r"((?:[A-Z]\.\s?){1,5}(?:[a-z]{1,4}\s){0,3}[A-ZÀ-Ý][\w’'ëïöüéèçş-]+(?:[ -][A-Za-zÀ-ÿ][\w’'ëïöüéèçş-]+){0,3})$")
# A speaker in the minutes of a debate: "De voorzitter:", "Mevrouw Kant (SP):", "Minister Grapperhaus:".
_SPEAKER = re.compile(r"^(?:De voorzitter|(?:Mevrouw|De heer|Minister|Staatssecretaris|De minister|De staatssecretaris)"
                      r"\s+[A-ZÀ-Ý][\w’'ëïöüéèç. -]{1,60}?)(?:\s*\([^()]{1,60}\))?\s*:$")
_NAV_ROW = re.compile(r"^(?:\[[^\]]{1,40}\]\s*){3,}$")
_RETURN_ADDRESS = re.compile(r"^>?\s*(?:Retouradres|Postadres|Bezoekadres|Postbus\s+\d|Contactpersoon|Ons kenmerk|"
                             r"Uw kenmerk|Uw brief|Bijlage\(n\)|Bijlagen?\b|Kenmerk\s)", re.I)
# The minutes' formula that opens an item of the agenda.
_AAN_DE_ORDE = re.compile(r"^Aan de orde (?:is|zijn)\b")
# A ministry's name alone on a line: the letterhead's sender, never the title.
_MINISTRY_LINE = re.compile(r"^(?:Ministerie (?:van|voor) [A-Z][\w ,&'’-]{2,80}|Rijksoverheid)$")
_ROMAN_HEAD = re.compile(r"^\s*(?:HERDRUK\d*)\s*$")

# Departments take "van", other posts "voor" (Minister voor Rechtsbescherming).
_DEPARTMENTS = ("algemene zaken", "binnenlandse zaken", "buitenlandse zaken", "defensie", "economische zaken",
                "financiën", "financien", "infrastructuur en", "justitie", "veiligheid en justitie",
                "landbouw", "onderwijs, cultuur", "sociale zaken", "volksgezondheid", "asiel en migratie",
                "klimaat en groene groei", "verkeer en waterstaat", "volkshuisvesting, ruimtelijke ordening en milieu",
                "volkshuisvesting en ruimtelijke ordening", "koninkrijksrelaties")


# --------------------------------------------------------------------------- helpers

def _ws(s: str) -> str:
    return " ".join(s.split())


def iso(day: str | int, month: str, year: str | int) -> str:
    try:
        m = int(month) if str(month).isdigit() else MONTHS_NL.index(month.lower()) + 1
        return _date(int(year), m, int(day)).isoformat()
    except ValueError:
        return ""


def date_in(text: str) -> str:
    """The first Dutch or ISO date in text, as ISO; "" if none."""
    m = _DATE_NL.search(text)
    if m:
        return iso(*m.groups())
    m = _ISO.search(text)
    if m:
        return iso(m.group(3), m.group(2), m.group(1))
    m = _DMY.search(text)
    return iso(m.group(1), m.group(2), m.group(3)) if m else ""


def dossier_number(raw: str) -> str:
    """"29911" -> "29 911"; "36800 X"/"36800-X" -> "36 800 X"; "21501 08"/"21501-08" -> "21 501-08"."""
    s = _ws(raw.replace("\u00a0", " "))
    m = re.match(r"^(\d{2})\s?(\d{3})(?:[\s-]+([IVXLC]{1,6}|\d{2}|[A-Z]))?$", s)
    if not m:
        return s
    head = f"{m.group(1)} {m.group(2)}"
    suffix = m.group(3)
    if not suffix:
        return head
    return f"{head}-{suffix}" if suffix.isdigit() else f"{head} {suffix}"


def kamerstuk_of(dossier: str, number: str) -> str:
    if not dossier or not number:
        return ""
    return f"{dossier}, nr. {number}" if number.isdigit() else f"{dossier}, {number}"


def _capitalised(upper: str, keep_lower: frozenset[str]) -> str:
    """A phrase written in capitals, in ordinary case: every word capitalised
    (each part of a hyphenated one) except the `keep_lower` words after the first."""
    words = _ws(upper).lower().split()
    return " ".join(w if i and w in keep_lower else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
                    for i, w in enumerate(words))


# "MINISTER VAN JUSTITIE EN VEILIGHEID" -> "Minister van Justitie en Veiligheid"
_ROLE_LOWER = frozenset({"van", "voor", "en", "de", "der", "het", "op", "in", "te", "den", "aan", "bij", "met", "of"})
# "VAN DER STAAIJ" -> "Van der Staaij" (a surname's particles)
_NAME_LOWER = frozenset({"van", "der", "de", "den", "ter", "ten", "het", "in", "'t"})


def _role_with(post: str, area: str) -> str:
    """"Minister" + "Justitie en Veiligheid" -> "Minister van Justitie en Veiligheid"."""
    area = _ws(area)
    low = area.lower()
    prep = "van" if any(low.startswith(d) for d in _DEPARTMENTS) else "voor"
    return f"{post[:1].upper()}{post[1:].lower()} {prep} {area}"


def _strip_marker(s: str) -> str:
    """A footnote number glued to the end of a header line ("...SPORT1")."""
    return re.sub(r"(?<=[A-Za-zÀ-ÿ»”’)])\d{1,2}$", "", s.strip())


def _clean_title(s: str) -> str:
    s = _ws(s).strip()
    # A site's breadcrumb "Site / Kamervraag / <title>": the last step; a title
    # the page printed twice in a row once.
    if " / " in s:
        s = s.split(" / ")[-1].strip()
    half = len(s) // 2
    if len(s) % 2 == 0 and s[:half] == s[half:]:
        s = s[:half]
    # "<type>; <title> - <dossier>" (a data site's composed title): the title.
    m = re.match(r"^(?:Brief regering|Motie|Amendement|Verslag|Nota|Memorie van \w+|Antwoord schriftelijke vragen)"
                 r"\s*;\s*(.+?)(?:\s+-\s+.+)?$", s)
    if m:
        s = m.group(1)
    if len(s) >= 2 and s[0] in "‘'\"“«" and s[-1] in "’'\"”»":
        s = s[1:-1].strip()
    return s.rstrip(" .")


# --------------------------------------------------------------------------- the parse

@dataclass
class _Line:
    text: str  # stripped
    start: int
    end: int


_PIPE_ROW = re.compile(r"^\|?[^|]{1,200}\|(?:[^|]{0,300}\|)*[^|]{0,300}$")
_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _lines(raw: str) -> list[_Line]:
    """Lines with their raw offsets; the text NFC-normalised for matching
    (offsets stay those of `raw`, which the cleaner maps)."""
    out, pos = [], 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        text = unicodedata.normalize("NFC", body.strip().replace("\u00a0", " "))
        if _PIPE_ROW.match(text):
            # A metadata table saved as text ("Kenmerk | 36999, nr. 3 |"): read as
            # its cells; its rule row ("---|---|") is no text.
            text = "" if _PIPE_RULE.match(text) else " ".join(c.strip() for c in text.strip("|").split("|") if c.strip())
        out.append(_Line(text, pos + lead, pos + len(body.rstrip())))
        pos += len(line)
    return out


def _is_prose(text: str) -> bool:
    """A line of running text: several lower-case words, not a label."""
    words = [w for w in text.split() if re.search(r"[^\W\d_]", w)]
    return len(words) >= 6 and sum(w[:1].islower() for w in words) >= 4


# Header paragraphs of written questions may wrap over several lines; they end
# with the "(ingezonden|ontvangen <date>)" parenthesis.
_CLOSE_PAREN = re.compile(r"\((?:ingezonden|ontvangen)\s+[^)]*\d{4}\)\s*\.?", re.I)
_SEE_ALSO = re.compile(r"^Zie ook Aanhangsel\b|\bZie ook Aanhangsel(?:\s+Handelingen)?\b[^.]*$")
_SEE_ALSO_END = re.compile(r"\bnrs?\.\s*\d+(?:\s*(?:,|en)\s*\d+)*\.?\s*$")


def _contents(lines: list[_Line], i: int, mark: Callable[[_Line, str], None]) -> int:
    """Mark a table of contents' lines from lines[i] on; the index after it.
    A line is part of it when it is an entry, an entry's number or page
    alone, or a short title next to such a number (after it, or before a page
    number: a title wrapped onto two lines). A body heading that repeats an
    entry ends it."""
    def key(t: str) -> str:
        return " ".join(_ENTRY_PARTS.sub("", t).split()).casefold()

    seen: set[str] = set()
    prev_number = False
    while i < len(lines):
        t = lines[i].text
        if not t:
            i += 1
            continue
        nxt = next((x.text for x in lines[i + 1:i + 4] if x.text), "")
        number = bool(_CONTENTS_NUMBER.match(t))
        entry = bool(_CONTENTS_ENTRY.match(t)) and not re.search(r"[a-z][.?!]$", t)
        title = len(t) <= 100 and not re.search(r"[.?!:;]$", t) and (prev_number or bool(_CONTENTS_NUMBER.match(nxt)))
        if not (number or entry or title):
            break
        if not number and key(t) in seen:
            break  # the body begins with its first heading
        if not number:
            seen.add(key(t))
        mark(lines[i], "contents")
        prev_number = number
        i += 1
    return i


def parse(raw: str) -> Layout:
    """The header and furniture of one document's text (any layout)."""
    lines = _lines(raw)
    furniture: list[tuple[int, int, str]] = []
    h: dict[str, Any] = {"other_dossiers": [], "members": []}
    site_title = ""  # a site's title line (data sites, tweedekamer prefix)
    site_kind = ""
    first_text = ""  # the document's first line of text, when title-like
    dates: dict[str, str] = {}
    answer_names: list[str] = []
    answer_roles: list[str] = []
    body_started = False
    pending_dossier = ""  # "30 196" alone on a line: its title follows
    after_date_line = False
    i = 0
    n_header = 0
    # A data site puts its own metadata block above the official text: its
    # first line that is not a metadata line is the site's title, and every
    # line down to the last metadata line is the site's.
    nonblank = [k for k, x in enumerate(lines) if x.text][:45]
    meta_at = [k for k in nonblank if _SITE_BLOCK.match(lines[k].text) or _SITE_ITEM.match(lines[k].text)]
    site_block_end = meta_at[-1] if len(meta_at) >= 2 else -1
    if site_block_end >= 0:
        for k in nonblank:
            if k > site_block_end:
                break
            t0 = lines[k].text
            if _SITE_META.match(t0) or _SITE_ITEM.match(t0) or _NAV_ROW.match(t0):
                furniture.append((lines[k].start, lines[k].end, "site metadata"))
                continue
            if not site_title:
                site_title = re.sub(r"^(?:Memorie van (?:antwoord|toelichting)|Brief regering|Motie|(?:Voorlopig |Eind)?[Vv]erslag|"
                                    r"Nota(?: naar aanleiding van het verslag| van wijziging)?)\s+-\s+", "", t0)
                site_title = re.sub(r"\s+-\s+Hoofdinhoud\s*$", "", site_title)  # parlementairemonitor's page suffix
                furniture.append((lines[k].start, lines[k].end, "site header"))
            elif not (_QUESTIONS.match(t0) or _ANSWER_HEAD.match(t0)):
                if not site_kind and re.fullmatch(r"Brief regering|Antwoord schriftelijke vragen|Motie", t0):
                    site_kind = t0  # the site's type line under its title ("Brief regering")
                furniture.append((lines[k].start, lines[k].end, "site metadata"))

    marked = {a for a, _, _ in furniture}

    def mark(ln: _Line, kind: str) -> None:
        if ln.text and ln.start not in marked:
            furniture.append((ln.start, ln.end, kind))
            marked.add(ln.start)

    while i < len(lines):
        ln = lines[i]
        t = ln.text
        i += 1
        if not t:
            continue
        if i - 1 <= site_block_end and not (_SITE_META.match(t) or _SITE_ITEM.match(t) or _QUESTIONS.match(t)
                                             or _ANSWER_HEAD.match(t)):
            continue  # the site's title or one of its category lines (marked above)
        # Furniture that can occur anywhere: the official PDF's running heads,
        # footers and colophon, and the Vraag/Antwoord labels.
        if _RUNNING.match(t):
            mark(ln, "running head")
            m = re.search(rf"vergaderjaar\s+(\d{{4}})\s*[–-]\s*(\d{{4}}),\s*{_DOSSIER_NR},\s*nr\.\s*(\d+)", t, re.I)
            if m and not h.get("dossier"):
                h["dossier"], h["number"] = dossier_number(m.group(3)), m.group(4)
            continue
        if _NOTE_MARK.match(t):
            # The publication site's footnote anchor ("X Noot" / "3") before each
            # footnote's text: never part of the footnote before it.
            mark(ln, "footnote mark")
            nxt = lines[i] if i < len(lines) else None
            if nxt is not None and re.fullmatch(r"\d{1,3}", nxt.text):
                mark(nxt, "footnote mark")
                i += 1
            continue
        if _CONTENTS_HEAD.match(t):
            mark(ln, "contents")
            i = _contents(lines, i, mark)
            continue
        if _VRAAG_LABEL.match(t) or _ANTWOORD_LABEL.match(t):
            mark(ln, "label")
            body_started = True
            continue
        if _SPEAKER.match(t):
            mark(ln, "label")  # who speaks next in the minutes of a debate
            h["speakers"] = True
            body_started = True
            continue
        m = _SIGNATURE_ONE_LINE.match(t)
        if m:
            mark(ln, "signature")
            h.setdefault("signers", []).append((_ws(m.group(2)), _ws(m.group(1))))
            continue
        if body_started and (_QUESTIONS.match(t) or _ANSWER_HEAD.match(t)):
            para, j = _paragraph(lines, i - 1, _CLOSE_PAREN)
            if _CLOSE_PAREN.search(" ".join(x.text for x in para)):
                body_started = False  # the questions' own header: read it below
                n_header = 0
                i -= 1
                continue
        if body_started:
            if t == t.upper() and _TYPE_LINE.match(t) and len(t.split()) >= 3:
                # A letter quoted whole in the body ("BRIEF VAN DE VOORZITTER ...",
                # "Aan de Staatssecretaris ...", "Den Haag, <date>"): its heading
                # and opening lines are furniture like the document's own.
                mark(ln, "document header")
                _, i = _type_continuation(lines, i, t, mark)
                while i < len(lines) and (not lines[i].text or _INNER_OPENING.match(lines[i].text)
                                          or _SALUTATION.match(lines[i].text)):
                    if lines[i].text:
                        mark(lines[i], "letterhead")
                    i += 1
                continue
            if _SIGNATORY.match(t) or _OFFICIAL_ROLE.match(t) or _CLOSING.match(t) or _MOTION_FORMULA.match(t):
                mark(ln, "signature")
                if _SIGNATORY.match(t):
                    nxt = next((x for x in lines[i:i + 4] if x.text), None)
                    if nxt is not None and _SIGNER_NAME.match(nxt.text):
                        mark(nxt, "signature")
                        # every signer: a minister and a staatssecretaris may sign together
                        h.setdefault("signers", []).append((_ws(nxt.text), _ws(t.rstrip(" ,"))))
                if t.lower().startswith("en gaat over tot de orde van de dag"):
                    # a motion ends with its signers' names, one to a line
                    for x in lines[i:i + 40]:
                        if x.text and not _MOTION_NAME.match(x.text):
                            break
                        if x.text:
                            mark(x, "signature")
                            h.setdefault("motion_signers", []).append(_ws(x.text))
            continue
        n_header += 1

        # ---- the header zone
        if n_header == 1 and _MINISTRY_LINE.match(t):
            mark(ln, "letterhead")  # the sender's name above the letter: the line after it may be the title
            n_header = 0
            continue
        if n_header == 1:
            m = _SITE_TYPE.match(t)
            if m and (not _is_prose(m.group(1)) or "/" in m.group(1)):  # "/": a label's alternatives
                site_kind, site_title = m.group(1), m.group(2)
                mark(ln, "site header")
                continue
        if re.fullmatch(r"Handeling(?:en)?", t):
            mark(ln, "document header")
            h["handelingen"] = True
            continue
        m = re.match(r"^(\d{1,3})\s+([A-Z].{3,200})$", t)
        # (a minutes' item saved on its own opens with its heading, then "Aan de orde is ...")
        opens_item = n_header == 1 and _AAN_DE_ORDE.match(next((x.text for x in lines[i:i + 3] if x.text), ""))
        if m and (h.get("handelingen") or opens_item) and not h.get("item_title"):
            mark(ln, "document header")  # the item's own heading: "8 Regeling van werkzaamheden"
            h["item_title"] = m.group(2).strip()
            h["handelingen"] = True
            continue
        if _TABLE_ROW.match(t) or _ROMAN_HEAD.match(t):
            mark(ln, "document header")
            m = re.match(r"^\s*(?:Tweede|Eerste) Kamer der Staten-Generaal[\s|]*(\d{4})\s*[–-]?\s*(\d{4})[\s|]*(\d{5})"
                         r"(?:[\s-]*([IVXLC]+|[A-Z]|\d{2}))?\s*nr\.?\s*([\w]+)", t)
            if m:  # the glued table "Tweede Kamer der Staten-Generaal2019-202029911 nr. 254"
                h.setdefault("dossier", dossier_number(m.group(3) + (" " + m.group(4) if m.group(4) else "")))
                h.setdefault("number", m.group(5))
            m = re.match(r"^\s*(Tweede|Eerste) Kamer der Staten-Generaal[\s|]*(\d{4})\s*[–-]\s*(\d{4})[\s|]*nr\.\s*(\d+),"
                         r"\s*item\s*(\d+)", t)
            if m:  # the minutes' glued table: "...Staten-Generaal2010-2011nr. 102, item 8"
                house = "II" if m.group(1) == "Tweede" else "I"
                h["handelingen"] = True
                h.setdefault("handelingen_ref", (f"Handelingen {house} {m.group(2)}-{m.group(3)}, nr. {m.group(4)}, "
                                                 f"item {m.group(5)}", m.group(4)))
            m = re.match(r"^\s*(?:Tweede|Eerste) Kamer der Staten-Generaal\s*(\d{4})\s*[–-]\s*(\d{4})(\d{1,5})\s*$", t)
            if m and h.get("aanhangsel"):  # "...Staten-Generaal2010-2011578": vergaderjaar and number
                h.setdefault("vergaderjaar", f"{m.group(1)}-{m.group(2)}")
                h.setdefault("aanhangsel_nr", m.group(3))
            m = re.match(r"^\s*Vergaderjaar\s+(\d{4}\s*[–-]\s*\d{4})", t, re.I)
            if m:
                h.setdefault("vergaderjaar", re.sub(r"\s*[–-]\s*", "-", m.group(1)))
            if "aanhangsel" in t.lower():
                h["aanhangsel"] = True
            continue
        if _NAV_ROW.match(t) or re.fullmatch(r"\d{4}[ZD]\d{4,6}", t):
            mark(ln, "site metadata")  # a site's menu row, a parliamentary case or document number
            continue
        m = re.fullmatch(r"\((ingezonden|ontvangen)\s+(.+?)\)\.?", t)
        if m and date_in(m.group(2)):
            mark(ln, "document header")
            dates.setdefault(m.group(1), date_in(m.group(2)))
            continue
        if re.fullmatch(r"[A-Z]{1,2}", t) and h.get("dossier") and not h.get("number"):
            mark(ln, "document header")  # an Eerste Kamer document's letter on its own line
            h["number"] = t
            continue
        if re.fullmatch(r"(?:19|20)\d\d", t):
            mark(ln, "document header")  # a year alone: a header table's cell
            continue
        if re.fullmatch(r"\|?\s*\d{1,5}\s*\|?", t) and h.get("aanhangsel"):
            h.setdefault("aanhangsel_nr", t.strip("| "))
            mark(ln, "document header")
            continue
        if _SITE_META.match(t) or _SITE_ITEM.match(t):
            mark(ln, "site metadata")
            _site_meta(t, h, dates)
            continue
        if _QUESTIONS.match(t):
            para, i = _paragraph(lines, i - 1, _CLOSE_PAREN)
            for x in para:
                mark(x, "document header")
            text = _ws(" ".join(x.text for x in para))
            _questions_header(text, h, dates)
            continue
        if _ANSWER_HEAD.match(t):
            para, i = _paragraph(lines, i - 1, _CLOSE_PAREN)
            # "Zie ook Aanhangsel Handelingen, vergaderjaar ..., nr. ...": the
            # answer header's reference to the questions' earlier number, on
            # its last line, wrapped onto the next or on a line of its own
            while i < len(lines) and len(para) < 10 and (
                    _SEE_ALSO.match(lines[i].text)
                    or (_SEE_ALSO.search(para[-1].text) and not _SEE_ALSO_END.search(para[-1].text))):
                para.append(lines[i])
                i += 1
            for x in para:
                mark(x, "document header")
            text = _ws(" ".join(x.text for x in para))
            m = re.search(r"\((?:ontvangen)\s+(.+?)\)", text)
            if m and date_in(m.group(1)):
                dates["ontvangen"] = date_in(m.group(1))
            for post, name, area in re.findall(r"\b(Minister|Staatssecretaris|minister|staatssecretaris)\s+"
                                               r"((?:[A-Z]\.\s?)*[A-Z][\w’'ëïöüéèç-]+(?:[ -][A-Za-z][\w’'ëïöüéèç-]+){0,3}?)"
                                               r"\s*\(([^)]+)\)", text):
                answer_names.append(name)
                answer_roles.append(_role_with(post, area))
            if not t.lower().startswith("mededeling"):
                h["answered"] = True
            continue
        m = _PLACE_DATE.match(t) or _DATUM_LINE.match(t)
        if m:
            mark(ln, "letterhead")
            dates.setdefault("letter", iso(*m.groups()[-3:]))
            after_date_line = "datum" if t.lower().startswith("datum") else "place"
            continue
        m = _FIXED_LINE.match(t)
        if m:
            mark(ln, "document header")
            dates.setdefault(m.group(1).lower().rstrip(":"), iso(*m.groups()[1:4]))
            continue
        if (_ADDRESSEE.match(t) or _SALUTATION.match(t) or _CLOSING.match(t) or _MOTION_FORMULA.match(t)
                or _RETURN_ADDRESS.match(t)):
            mark(ln, "letterhead")
            continue
        m = _SUBJECT_LINE.match(t)
        if m:
            mark(ln, "letterhead")
            subject = m.group(1)
            if not re.search(r"[.?!:]$", subject):  # the subject runs on to the next line
                nxt = next((k for k in range(i, min(i + 3, len(lines))) if lines[k].text), None)
                # (across a blank line, only a line that is no sentence of the body)
                if nxt is not None and nxt > i and re.search(r"[.?!]$", lines[nxt].text):
                    nxt = None
                if nxt is not None and len(lines[nxt].text) <= 100 and not _RETURN_ADDRESS.match(lines[nxt].text) \
                        and not _SALUTATION.match(lines[nxt].text) and not _DATUM_LINE.match(lines[nxt].text):
                    subject += " " + lines[nxt].text
                    mark(lines[nxt], "letterhead")
                    i = nxt + 1
            h.setdefault("subject", subject.rstrip(" ."))
            continue
        m = _NR_LINE.match(t)
        if m and (m.group(1) or not m.group(2) or _TYPE_LINE.match(m.group(2))):
            mark(ln, "document header")
            if m.group(1):
                h.setdefault("number", m.group(1))
            rest = m.group(2).strip()
            if rest and _TYPE_LINE.match(rest.upper()) and rest == rest.upper():
                rest, i = _type_continuation(lines, i, rest, mark)
                _type_line(rest, h)
            continue
        m = _EK_LINE.match(t)
        # (a glued metadata table may have given the letter already)
        if m and h.get("dossier") and h.get("number", m.group(1)) == m.group(1):
            mark(ln, "document header")
            h["number"] = m.group(1)
            rest, i = _type_continuation(lines, i, m.group(2), mark)
            _type_line(rest, h)
            continue
        if t == t.upper() and (_TYPE_LINE.match(t) or (len(t.split()) >= 3 and re.match(r"^(?:HERDRUK\d*\s+)?[A-ZÀ-Ý]", t))):
            # A line in capitals in the header is the document-type line ("BRIEF VAN ...",
            # "VERSLAG ..."), whatever punctuation its sender's name holds.
            mark(ln, "document header")
            rest, i = _type_continuation(lines, i, t, mark)
            _type_line(rest, h)
            continue
        m = _DOSSIER_LINE.match(t)
        if m and (m.group(2) is None or m.group(2)[:1].isupper()) and len(t) <= 600 and not t.endswith("."):
            mark(ln, "document header")
            number, title = dossier_number(m.group(1)), _ws(m.group(2) or "")
            if not h.get("dossier"):
                h["dossier"] = number
                h["dossier_title"] = title
            elif number != h["dossier"] and number not in h["other_dossiers"]:
                h["other_dossiers"].append(number)
            elif title and not h.get("dossier_title"):
                h["dossier_title"] = title
            pending_dossier = number if not title else ""
            continue
        if pending_dossier and len(t) <= 400 and t[:1].isupper() and not t.endswith("."):
            # A dossier title on the line after its number.
            mark(ln, "document header")
            if h.get("dossier") == pending_dossier and not h.get("dossier_title"):
                h["dossier_title"] = _ws(t)
            pending_dossier = ""
            continue
        pending_dossier = ""
        if _SIGNATORY.match(t) or _OFFICIAL_ROLE.match(t):
            mark(ln, "signature")
            continue
        # Not furniture: the first line of text, or a subject line after the date.
        alone = i >= len(lines) or not lines[i].text  # followed by a blank line
        if n_header == 1 and alone and len(t) <= 160 and not t.endswith((".", ",", ";", ":")) and t[:1].isupper():
            first_text = t
            mark(ln, "title")
            continue
        if not _is_prose(t) and len(t) <= 200 and not t.endswith((".", ",", ";")):
            if n_header == 1 or (after_date_line == "datum" and not h.get("subject")
                                 and not re.match(r"^\d+(\.\d+)*\.?\s", t)):
                if n_header == 1:
                    first_text = t
                    mark(ln, "title")
                else:
                    h["subject"] = t
                    mark(ln, "title")
                continue
            if not body_started and n_header <= 15 and not _is_prose(t) \
                    and not re.match(r"^\d+(\.\d+)*\.?\s+\S", t) and len(t.split()) <= 8:
                # Short lines among the header (a site's category, an address line).
                mark(ln, "header line")
                continue
        body_started = True

    m = re.search(r"\bDe (vaste commissie voor [A-Z][\w ,’'-]+?|commissie voor [A-Z][\w ,’'-]+?)(?:\s*\(\w+\))?\s+heeft\b",
                  " ".join(x.text for x in lines[:80]))
    if m:
        h["committee"] = _strip_marker(m.group(1))
    header = _assemble(h, dates, site_kind, site_title, first_text, answer_names, answer_roles)
    return Layout(header, tuple(furniture))


def _paragraph(lines: list[_Line], i: int, end: re.Pattern) -> tuple[list[_Line], int]:
    """Lines from i up to the one where `end` matches (at most 8), or up to a blank line."""
    out = []
    j = i
    while j < len(lines) and len(out) < 8:
        ln = lines[j]
        if not ln.text:
            if out:
                break
            j += 1
            continue
        out.append(ln)
        j += 1
        if end.search(" ".join(x.text for x in out)):
            break
    return out, j


def _type_continuation(lines: list[_Line], i: int, first: str, mark: Callable[[_Line, str], None]) -> tuple[str, int]:
    """A document-type line in capitals may run on to the next line
    ("... VOOR VOLKSHUISVESTING EN RUIMTELIJKE" / "ORDENING")."""
    text = first
    while i < len(lines) and lines[i].text and lines[i].text == lines[i].text.upper() \
            and re.search(r"[A-Z]", lines[i].text) and not _ADDRESSEE.match(lines[i].text) \
            and len(lines[i].text.split()) <= 8 and not _DOSSIER_LINE.match(lines[i].text):
        mark(lines[i], "document header")
        text += " " + lines[i].text
        i += 1
    return text, i


def _type_line(line: str, h: dict) -> None:
    """The document-type line: kind, sender, members."""
    s = _strip_marker(_ws(re.sub(r"^HERDRUK\d*\s+", "", line.strip())))
    # "BRIEF VAN DE VAN DE STAATSSECRETARIS": a duplicated phrase (a quirk of the source)
    s = re.sub(r"\b(VAN DE )\1+", r"\1", s)
    up = s.upper()
    if up.startswith(("BRIEF", "NOTA", "MEMORIE")):
        h.setdefault("kind", KAMERBRIEF if up.startswith("BRIEF") else NOTA if up.startswith("NOTA") else OVERIG)
        # The sender: "BRIEF VAN DE MINISTER ...", "NOTA VAN DE STAATSSECRETARIS ..." (not "BRIEF AAN ...",
        # "NOTA VAN WIJZIGING", "MEMORIE VAN ANTWOORD").
        m = re.match(r"^(?:BRIEF|NOTA|MEMORIE)\s+VAN\s+(?:DE |HET )?((?:MINISTERS?|STAATSSECRETARIS(?:SEN)?|ALGEMENE|COMMISSIE|VASTE|"
                     r"RAAD|NATIONALE|PRESIDENT|MINISTER-PRESIDENT|KONING)\b.+)$", s)
        if m and not h.get("sender"):
            h["sender"] = _capitalised(m.group(1), _ROLE_LOWER)
    elif up.startswith(("MOTIE", "GEWIJZIGDE MOTIE", "AMENDEMENT")):
        h.setdefault("kind", MOTIE)
        m = re.search(r"\bVAN (?:HET LID|DE LEDEN)\s+(.+)$", s)
        if m:
            names = re.split(r"\s*,\s*|\s+EN\s+", re.sub(r"\s+C\.\s?S\.?$", "", m.group(1).strip()))
            h["members"] = [_capitalised(x, _NAME_LOWER) for x in names if x and not re.fullmatch(r"C\.S\.?", x)]
    elif "VERSLAG" in up or up.startswith("LIJST"):
        h.setdefault("kind", VERSLAG)
        m = re.search(r"\bVAN DE (VASTE COMMISSIE .+|COMMISSIE .+)$", s)
        if m and not h.get("sender"):
            h["sender"] = _capitalised(m.group(1), _ROLE_LOWER).replace("Vaste Commissie", "vaste commissie").replace(
                "Commissie", "commissie")
    else:
        h.setdefault("kind", OVERIG)


def _site_meta(t: str, h: dict, dates: dict) -> None:
    """What a data site's metadata line says about the document."""
    s = t.strip()
    m = re.match(r"^Nummer:\s*\S+,\s*datum:\s*(\d{4}-\d\d-\d\d)", s)
    if m:
        dates.setdefault("site", date_in(m.group(1)))
        return
    m = re.match(r"^(?:ID:|Kamerstuk)\s*(\d{5})-(?:([IVXLC]+|[A-Z]|\d{2})-)?(\w+)\s*$", s)
    if m:
        h.setdefault("dossier", dossier_number(m.group(1) + (" " + m.group(2) if m.group(2) else "")))
        h.setdefault("number", m.group(3))
        return
    m = re.match(r"^Onderdeel van kamerstukdossier\s+(\d{5})(?:\s+(\d{2}|[IVXLC]+))?\s*-\s*(\w+)\s*(.*?)\.?$", s)
    if m:
        h.setdefault("dossier", dossier_number(m.group(1) + (" " + m.group(2) if m.group(2) else "")))
        h.setdefault("number", m.group(3))
        if m.group(4):
            h.setdefault("dossier_title", m.group(4))
        return
    m = re.match(r"^Deze .{1,60}? is onder nr\.\s*(\w+) toegevoegd aan (?:dossier|wetsvoorstel)\s+(\d{5})"
                 r"(?:[ -]([IVXLC]+))?\s+-\s+(.+?)(?:\s+i)?\.?$", s)
    if m:  # parlementairemonitor: "... is onder nr. 3 toegevoegd aan wetsvoorstel 36999 - <dossier title>"
        h.setdefault("dossier", dossier_number(m.group(2) + (" " + m.group(3) if m.group(3) else "")))
        h.setdefault("number", m.group(1))
        h.setdefault("site_dossier_title", m.group(4))  # the site's short name; the document's own line wins
        return
    m = re.match(r"^Kenmerk\s+(\d{5}(?:[ -][A-Z]+)?),\s*nr\.\s*(\w+)", s)
    if m:
        h.setdefault("dossier", dossier_number(m.group(1)))
        h.setdefault("number", m.group(2))
        return
    m = re.match(r"^(Gepubliceerd:|Ingediend|Beantwoord|Documentdatum)\s+(.*)$", s)
    if m and not s.startswith("Beantwoord door"):
        d = date_in(m.group(2))
        if d:
            dates.setdefault({"gepubliceerd:": "site", "documentdatum": "site"}.get(m.group(1).lower(), m.group(1).lower()), d)
        return
    m = re.match(r"^Bron(?: antwoord)?:?\s+\S*/(ah-tk-(\d{4})(\d{4})-(\d+))\.html", s)
    if m:
        h.setdefault("aanhangsel_from_url", (f"{m.group(2)}-{m.group(3)}", m.group(4)))
        return
    m = re.match(r"^Bron:?\s+\S*/kst-(\d{5})-(?:([IVXLC]+|[A-Z])-)?(\w+)\.html", s)
    if m:
        h.setdefault("dossier", dossier_number(m.group(1) + (" " + m.group(2) if m.group(2) else "")))
        h.setdefault("number", m.group(3))
        return
    m = re.match(r"^Beantwoord door\s+(.+)$", s)
    if m:
        h["answered_by"] = [(name.strip(), role.strip()) for name, role in
                            re.findall(r"([^,()]+?)\s*\(([^()]+)\)(?:\s*\([^()]*\))?", m.group(1))]
        h["answered"] = True
        h["kind_q"] = True
        return
    m = re.match(r"^Indiener\s+(.+\(\w[\w-]*\))\s*$", s)
    if m:
        h["members"] = h.get("members") or [_ws(m.group(1))]
        return
    m = re.search(r"Eerste ondertekenaar:\s*([^,]+),\s*((?:minister|staatssecretaris|voorzitter)[^(]*?)\s*(?:\(|$)", s, re.I)
    if m:
        h.setdefault("site_signer", (m.group(1).strip(), m.group(2).strip()))
    m = re.search(r"Mede ondertekenaar:\s*([^,]+),\s*(?:minister|staatssecretaris)", s, re.I)
    if m:  # a minister or staatssecretaris who signs with the first
        h.setdefault("co_signers", []).append(m.group(1).strip())


_PARTY = r"\(([^()]{1,40})\)"


def _questions_header(text: str, h: dict, dates: dict) -> None:
    """"Vragen van de leden A (P) en B (beiden Q) aan de Minister ... over <onderwerp> (ingezonden <datum>)."."""
    m = re.search(r"\(ingezonden\s+(.+?)\)", text)
    if m and date_in(m.group(1)):
        dates["ingezonden"] = date_in(m.group(1))
    m = re.match(r"^Vragen van (?:het lid|de leden)\s+(.+?)\s+aan\s+(?:de|het)\s", text)
    if m:
        h["members"] = _members(m.group(1))
    m = re.search(r"\s+over\s+(.+?)\s*\((?:ingezonden|ontvangen)\b", text)
    if m:
        h.setdefault("subject_q", m.group(1).rstrip(" ."))
    h.setdefault("kind_q", True)


def _members(s: str) -> list[str]:
    """"Inge van Dijk en Slootweg (beiden CDA)" -> ["Inge van Dijk (CDA)", "Slootweg (CDA)"]."""
    s = _ws(s)
    both = re.search(r"\((?:beiden|allen|beide)\s+([^)]+)\)\s*$", s)
    if both:
        party = both.group(1)
        names = re.split(r"\s*,\s*|\s+en\s+", s[: both.start()].strip())
        return [f"{n} ({party})" for n in names if n]
    out = []
    for m in re.finditer(rf"([^,()]+?)\s*{_PARTY}", s):
        name = re.sub(r"^(?:,|en)\s+", "", m.group(1).strip()).strip()
        out.append(f"{name} ({m.group(2)})")
    if not out:
        out = [n for n in re.split(r"\s*,\s*|\s+en\s+", s) if n]
    return out


def _members_of(h: dict) -> list[str]:
    """The members the header names ("MOTIE VAN HET LID VAN DEN BERGE C.S."),
    and a motion's co-signers from the names under it, first signer first."""
    members = list(h.get("members", []))
    signers = h.get("motion_signers", [])
    if members and signers and fold(signers[0]) == fold(members[0].split(" (")[0]):
        return [members[0], *signers[1:]]
    return members


def _assemble(h: dict, dates: dict, site_kind: str, site_title: str, first_text: str,
              answer_names: list[str], answer_roles: list[str]) -> DocHeader:
    kind = h.get("kind", "")
    if h.get("kind_q"):
        # Answered in the document itself, or sent with a covering letter.
        kind = ANTWOORDEN if h.get("answered") or dates.get("letter") else KAMERVRAGEN
    if not kind and (dates.get("letter") or h.get("subject")):
        kind = KAMERBRIEF
    sk = site_kind.lower()
    if not kind and sk:
        kind = (ANTWOORDEN if "antwoord" in sk else KAMERBRIEF if sk.startswith("brief") else MOTIE if "motie" in sk
                else VERSLAG if "verslag" in sk else NOTA if "nota" in sk else OVERIG)

    # The document's date, by what the layout says it is.
    if kind in (ANTWOORDEN,) or h.get("answered"):
        order = ("ontvangen", "beantwoord", "letter", "site", "vastgesteld", "ingezonden", "ingediend")
    elif kind == KAMERVRAGEN:
        order = ("ontvangen", "ingezonden", "ingediend", "site", "letter")
    else:
        order = ("letter", "vastgesteld", "voorgesteld", "ontvangen", "beantwoord", "site", "gepubliceerd", "ingezonden")
    date = next((dates[k] for k in order if dates.get(k)), "")

    dossier = h.get("dossier", "")
    number = h.get("number", "")
    kamerstuk = kamerstuk_of(dossier, number)
    if not kamerstuk and h.get("aanhangsel") and h.get("aanhangsel_nr") and h.get("vergaderjaar"):
        number = h["aanhangsel_nr"]
        kamerstuk = f"Aanhangsel Handelingen II {h['vergaderjaar']}, nr. {number}"
    if not kamerstuk and h.get("handelingen_ref"):
        kamerstuk, number = h["handelingen_ref"]
    if h.get("handelingen") or h.get("speakers"):
        kind = kind or HANDELINGEN
    if not kamerstuk and h.get("aanhangsel_from_url"):
        year, number = h["aanhangsel_from_url"]
        kamerstuk = f"Aanhangsel Handelingen II {year}, nr. {number}"

    sender = h.get("sender", "")
    sender_name = ""
    if answer_roles:
        roles = list(dict.fromkeys(answer_roles))
        posts = {r.split()[0] for r in roles}
        if len(roles) > 1 and len(posts) == 1:
            sender = f"{roles[0].split()[0]}s " + " en ".join(r.split(" ", 1)[1] for r in roles)
        else:
            sender = "; ".join(roles)
        sender_name = "; ".join(dict.fromkeys(answer_names))
    if h.get("site_signer"):
        name, role = h["site_signer"]
        m = re.search(r"\b(vaste commissie voor .+|commissie voor .+)$", role)
        role = m.group(1) if m else role[:1].upper() + role[1:]
        sender = sender or role
        sender_name = sender_name or "; ".join(dict.fromkeys([name, *h.get("co_signers", [])]))
    if h.get("signers"):
        name, role = h["signers"][0]
        sender_name = sender_name or "; ".join(dict.fromkeys(n for n, _ in h["signers"]))
        if not sender and kind in (KAMERBRIEF, NOTA, ""):
            role = re.sub(r"^(?:De|Het)\s+", "", role).rstrip(" ,")
            sender = role[:1].upper() + role[1:]
    if h.get("answered_by"):
        names, roles = zip(*h["answered_by"])
        sender = sender or "; ".join(roles)
        sender_name = sender_name or "; ".join(names)
    if not sender and h.get("committee"):
        sender = h["committee"]

    title = ""
    if site_title and site_kind and site_title.lower() == site_kind.lower():
        site_title = ""  # "Initiatiefnota : Initiatiefnota": the page names only the type
    # An initiatiefnota's dossier name ends in its own title: "… over …: «<title>»".
    quoted = re.search(r"«([^«»]{8,200})»\s*$", h.get("dossier_title", ""))
    for cand in (site_title, h.get("subject", ""), first_text if not site_title else "", h.get("subject_q", ""),
                 h.get("item_title", ""), quoted.group(1) if quoted else ""):
        c = _clean_title(cand)
        if not c:
            continue
        low = c.lower()
        names = [x.lower() for x in (h.get("dossier_title", ""), h.get("site_dossier_title", "")) if x]
        if any(low == dt or low.startswith(dt) for dt in names):
            continue  # the dossier's name is not this document's subject
        if _DOSSIER_LINE.match(c) or _TYPE_LINE.match(c.upper()) and c == c.upper() or c.lower().startswith("kamerstuk"):
            continue
        title = c
        break
    if title and kind == HANDELINGEN:
        title = re.sub(r"^\d{1,3}\s+(?=[A-ZÀ-Ý])", "", title)  # "7 Gevangeniswezen en tbs": the item's number
    # A site title that only names the document type ("Verslag van een algemeen overleg") is none.
    if title and re.fullmatch(r"(?:brief regering|verslag van een \w+ overleg|kamerstuk|antwoord schriftelijke vragen|"
                              r"nota naar aanleiding van het (?:\w+ )*verslag|memorie van (?:antwoord|toelichting))",
                              title.lower()):
        title = ""
    return DocHeader(
        title=title, kind=kind, dossier=dossier,
        other_dossiers=tuple(d for d in h.get("other_dossiers", []) if d != dossier),
        dossier_title=h.get("dossier_title", "") or h.get("site_dossier_title", ""), number=number, kamerstuk=kamerstuk, date=date,
        sender=sender, sender_name=sender_name, members=tuple(_members_of(h)),
    )


# --------------------------------------------------------------------------- titles

def long_date(iso_date: str) -> str:
    """"2024-06-25" -> "25 juni 2024"."""
    try:
        d = _date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


_ROLE_WORD = re.compile(r"(?:Ministers?|Staatssecretaris(?:sen)?|Minister-president|Vaste commissie|Commissie)\b")


def display_title(header: DocHeader, fallback: str = "") -> str:
    """The title a citation shows: the document's own subject where it states
    one; else its type, sender, Kamerstuk (or dossier) and date — never a
    header line, the site's prefix or the dossier's name alone."""
    if header.title:
        return header.title
    label = KIND_LABELS.get(header.kind or "", "Document")
    parts = []
    if header.sender:
        # "Brief van de minister van ...": a role in running text takes a small
        # letter; a body's own name ("Algemene Rekenkamer") keeps its capital.
        sender = header.sender
        if _ROLE_WORD.match(sender):
            sender = sender[:1].lower() + sender[1:]
        parts.append(f"{label} van de {sender}")
    elif header.members:
        parts.append(f"{label} van {', '.join(header.members)}")
    else:
        parts.append(label)
    ref = f"Kamerstuk {header.kamerstuk}" if header.kamerstuk and header.kamerstuk[0].isdigit() else header.kamerstuk
    if not ref and header.dossier:
        ref = f"dossier {header.dossier}" + (f" {header.dossier_title}" if header.dossier_title else "")
    if ref:
        parts.append(ref)
    if header.date:
        parts.append(long_date(header.date))
    if len(parts) == 1 and fallback:
        return fallback
    return ", ".join(parts)
