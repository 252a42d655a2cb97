"""Reading documents by their layout (rag/ingest/layout.py).

Two tiers:
  - own fixtures: documents in the official layouts made of invented
    sentences, one per layout, with the metadata a person reads off them;
  - the 48 real published openings in ../shared/letters-extra, table-driven
    against their manifest: per document for the dev split (the parser was
    fitted on those), as an aggregate floor for the test split (measured,
    never fitted), eval/newletters_split.json.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from rag.ingest import layout
from rag.ingest.clean import clean_letter
from rag.ingest.layout import display_title, parse

REPO = Path(__file__).resolve().parents[2]
EXTRA = REPO.parent / "shared" / "letters-extra"
SPLIT = json.loads((REPO / "eval" / "newletters_split.json").read_text(encoding="utf-8"))
# A second set of published openings, collected later (eval/published/README.md).
PUBLISHED = REPO / "eval" / "published"
SPLIT_PUBLISHED = json.loads((PUBLISHED / "split.json").read_text(encoding="utf-8"))
PUBLISHED_B = REPO / "eval" / "published_b"  # a third set, test documents only
PUBLISHED2 = REPO / "eval" / "published2"  # a fourth, for questions (eval/published2/README.md)
FOLDERS = {"letters-extra": (EXTRA, SPLIT), "published": (PUBLISHED, SPLIT_PUBLISHED),
           "published_b": (PUBLISHED_B, json.loads((PUBLISHED_B / "split.json").read_text(encoding="utf-8"))),
           "published2": (PUBLISHED2, json.loads((PUBLISHED2 / "split.json").read_text(encoding="utf-8")))}

# ----------------------------------------------------------------- own fixtures

KST = """29 911 Bestrijding georganiseerde criminaliteit

Nr. 512 BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID

Aan de Voorzitter van de Tweede Kamer der Staten-Generaal

Den Haag, 3 februari 2031

Met deze brief informeer ik uw Kamer over de proef met drijvende scanners in de haven van Harlingen.
In de eerste maand zijn 41 containers gecontroleerd.

De Minister van Justitie en Veiligheid,

A.B. Voorbeeld
"""

TWEEDEKAMER = """Brief regering : Voortgang proef drijvende scanners
29 911 Bestrijding georganiseerde criminaliteit
Nr. 513
BRIEF VAN DE MINISTERS VAN JUSTITIE EN VEILIGHEID EN VAN FINANCIËN
Aan de Voorzitter van de Tweede Kamer der Staten-Generaal
Den Haag, 4 maart 2031
De proef met drijvende scanners in de haven van Harlingen loopt sinds januari. In de
tweede maand zijn 57 containers gecontroleerd, waarvan er drie verdacht waren.
"""

AANHANGSEL = """Vragen van de leden Jansen en De Boer (beiden XYZ) aan de Minister van Justitie en Veiligheid over
het bericht «Scanners liggen stil» (ingezonden 2 april 2031).

Antwoord van Minister Voorbeeld (Justitie en Veiligheid) (ontvangen 20 april 2031).

Vraag 1

Bent u bekend met het bericht «Scanners liggen stil»?

Antwoord 1

Ja. De scanners in Harlingen lagen twee dagen stil door een stroomstoring in de haven.

Vraag 2

Hoeveel containers zijn in die dagen niet gecontroleerd?

Antwoord 2

In die twee dagen zijn 23 containers zonder scan vrijgegeven na een fysieke steekproef.
"""

DATA_SITE = """Stand van zaken drijvende scanners
Bestrijding georganiseerde criminaliteit
Brief regering
Nummer: 2031D01234, datum: 2031-05-06, bijgewerkt: 2031-05-07 10:00, versie: 2
Gerelateerde personen:- Eerste ondertekenaar: A.B. Voorbeeld, minister van Justitie en Veiligheid
Onderdeel van kamerstukdossier 29911 -514 Bestrijding georganiseerde criminaliteit.
Onderdeel van zaak 2031Z01111:
- Indiener: A.B. Voorbeeld, minister van Justitie en Veiligheid
- Voortouwcommissie: vaste commissie voor Justitie en Veiligheid
Preview document (🔗 origineel)
Tweede Kamer der Staten-Generaal | 2 |
Vergaderjaar 2030-2031 |
29 911 Bestrijding georganiseerde criminaliteit
Nr. 514 BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID
Aan de Voorzitter van de Tweede Kamer der Staten-Generaal
Den Haag, 6 mei 2031
De proef met drijvende scanners wordt na de zomer uitgebreid naar de haven van Delfzijl.
"""

PDF_PAGES = """ Met deze brief bied ik uw Kamer het eindrapport over de drijvende scanners aan. Het
rapport is opgesteld door een onafhankelijk bureau.

kst-29911-515
ISSN 0921 - 7371
's-Gravenhage 2031
Tweede Kamer, vergaderjaar 2030–2031, 29 911, nr. 515 1
 De belangrijkste conclusie is dat de scanners in kleine havens rendabel zijn. Het
bureau raadt aan de proef voort te zetten.
Tweede Kamer, vergaderjaar 2030–2031, 29 911, nr. 515 2
"""

MOTIE = """24 077 Drugbeleid

Nr. 601 MOTIE VAN HET LID VAN DEN BERG C.S.

Voorgesteld 9 juni 2031

De Kamer,

gehoord de beraadslaging,

verzoekt de regering, de proef met drijvende scanners uit te breiden naar alle kleine havens,

en gaat over tot de orde van de dag.

Van den Berg
"""

EERSTE_KAMER = """35 999 Wijziging van de Havenwet in verband met drijvende scanners

B VOORLOPIG VERSLAG VAN DE VASTE COMMISSIE VOOR JUSTITIE EN VEILIGHEID1

Vastgesteld 1 juli 2031

De leden van de XYZ-fractie hebben met belangstelling kennisgenomen van het wetsvoorstel.
"""

# An Eerste Kamer letter whose document letter carries a footnote marker ("H1").
EERSTE_KAMER_BRIEF = """35 998 Wijziging van de Havenwet in verband met drijvende scanners

H1 BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID

Aan de Voorzitter van de Eerste Kamer der Staten-Generaal

Den Haag, 2 augustus 2031

Tijdens de plenaire behandeling heeft het lid Pietersen gevraagd naar de scanners.
"""

FIXTURES = {
    # name: (text, expected header fields)
    "kst letter": (KST, dict(dossier="29 911", number="512", kamerstuk="29 911, nr. 512", date="2031-02-03",
                             kind=layout.KAMERBRIEF, sender="Minister van Justitie en Veiligheid",
                             sender_name="A.B. Voorbeeld", title="")),
    "tweedekamer page": (TWEEDEKAMER, dict(title="Voortgang proef drijvende scanners", kamerstuk="29 911, nr. 513",
                                           date="2031-03-04", kind=layout.KAMERBRIEF,
                                           sender="Ministers van Justitie en Veiligheid en van Financiën")),
    "aanhangsel answers": (AANHANGSEL, dict(title="het bericht «Scanners liggen stil»", date="2031-04-20",
                                            kind=layout.ANTWOORDEN, members=("Jansen (XYZ)", "De Boer (XYZ)"),
                                            sender="Minister van Justitie en Veiligheid", sender_name="Voorbeeld")),
    "data site": (DATA_SITE, dict(title="Stand van zaken drijvende scanners", dossier="29 911", number="514",
                                  kamerstuk="29 911, nr. 514", date="2031-05-06", kind=layout.KAMERBRIEF)),
    "official pdf": (PDF_PAGES, dict(kamerstuk="29 911, nr. 515")),
    "motie": (MOTIE, dict(kamerstuk="24 077, nr. 601", date="2031-06-09", kind=layout.MOTIE,
                          members=("Van den Berg",))),
    "eerste kamer": (EERSTE_KAMER, dict(kamerstuk="35 999, B", date="2031-07-01", kind=layout.VERSLAG,
                                        sender="vaste commissie voor Justitie en Veiligheid")),
    "eerste kamer letter": (EERSTE_KAMER_BRIEF, dict(number="H", kamerstuk="35 998, H", date="2031-08-02",
                                                     kind=layout.KAMERBRIEF,
                                                     sender="Minister van Justitie en Veiligheid")),
}


@pytest.mark.parametrize("name", FIXTURES)
def test_own_fixture_header(name):
    text, expected = FIXTURES[name]
    header = parse(text).header
    for key, value in expected.items():
        assert getattr(header, key) == value, (name, key, getattr(header, key))


FURNITURE_LINES = {
    "kst letter": ["29 911 Bestrijding georganiseerde criminaliteit", "Nr. 512 BRIEF VAN DE MINISTER",
                   "Aan de Voorzitter", "Den Haag, 3 februari 2031", "De Minister van Justitie en Veiligheid,",
                   "A.B. Voorbeeld"],
    "tweedekamer page": ["Brief regering : Voortgang", "29 911 Bestrijding", "Nr. 513", "BRIEF VAN DE MINISTERS",
                         "Aan de Voorzitter", "Den Haag, 4 maart 2031"],
    "aanhangsel answers": ["Vragen van de leden Jansen", "het bericht «Scanners liggen stil» (ingezonden",
                           "Antwoord van Minister Voorbeeld", "Vraag 1", "Antwoord 1", "Vraag 2", "Antwoord 2"],
    "data site": ["Stand van zaken drijvende scanners", "Nummer: 2031D01234", "Gerelateerde personen",
                  "- Indiener:", "Preview document", "Tweede Kamer der Staten-Generaal | 2 |", "Vergaderjaar 2030-2031",
                  "Nr. 514 BRIEF", "Den Haag, 6 mei 2031"],
    "official pdf": ["kst-29911-515", "ISSN 0921 - 7371", "'s-Gravenhage 2031"],
    "motie": ["De Kamer,", "gehoord de beraadslaging,", "en gaat over tot de orde van de dag."],
}


@pytest.mark.parametrize("name", FURNITURE_LINES)
def test_furniture_lines_are_marked_and_never_joined_to_a_sentence(name):
    text, _ = FIXTURES[name]
    lay = parse(text)
    marked = [text[a:b] for a, b, _ in lay.furniture]
    for start in FURNITURE_LINES[name]:
        assert any(m.startswith(start) for m in marked), (name, start, marked)
    # The cleaner keeps every furniture line a paragraph of its own, so no
    # sentence of the body begins or ends inside one.
    clean = clean_letter(text, lay.furniture_lines())
    paragraphs = [p.strip() for p in clean.text.split("\n\n")]
    for a, b, _ in clean.furniture:
        assert clean.text[a:b].strip() in paragraphs, clean.text[a:b]


def test_body_sentences_are_not_furniture():
    for name, (text, _) in FIXTURES.items():
        lay = parse(text)
        marked = " ".join(text[a:b] for a, b, _ in lay.furniture)
        for sentence in ("In de eerste maand zijn 41 containers gecontroleerd.", "zijn 57 containers gecontroleerd",
                         "23 containers zonder scan", "uitgebreid naar de haven van Delfzijl",
                         "De belangrijkste conclusie is dat de scanners"):
            assert sentence not in marked, (name, sentence)


def test_title_names_the_document_when_it_states_no_subject():
    header = parse(KST).header
    title = display_title(header)
    assert "Minister van Justitie en Veiligheid".lower() in title.lower()
    assert "29 911, nr. 512" in title and "3 februari 2031" in title
    # never the dossier's name alone, nor a header line
    assert title != "Bestrijding georganiseerde criminaliteit" and not title.startswith("29 911 ")


def test_dossier_numbers_keep_their_suffix():
    assert layout.dossier_number("36800 X") == "36 800 X"
    assert layout.dossier_number("32123-XVIII") == "32 123 XVIII"
    assert layout.dossier_number("21501 08") == "21 501-08"
    assert layout.dossier_number("29911") == "29 911"
    assert layout.kamerstuk_of("35 593", "B") == "35 593, B"


def test_a_plain_letter_without_header_gets_no_furniture_in_its_body():
    text = " De minister heeft besloten.\nDit is een brief zonder kop, met gewone zinnen van enige lengte.\n"
    assert parse(text).furniture == ()


# ------------------------------------------------------- the published openings


def _norm(s: str) -> str:
    return re.sub(r"[\s«»‘’'\"“”]+", " ", unicodedata.normalize("NFC", s or "")).strip().lower().rstrip(". ")


def _manifest(folder: str = "letters-extra") -> list[dict]:
    path = FOLDERS[folder][0] / "manifest.jsonl"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the published openings must be beside the repository (../shared)")
    return [dict(json.loads(x), folder=folder) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _read(row: dict) -> layout.DocHeader:
    base = FOLDERS[row.get("folder", "letters-extra")][0]
    return parse((base / "letters" / row["file"]).read_text(encoding="utf-8")).header


FIELDS = ("title", "kamerstuk", "date")


def score(rows: list[dict]) -> dict[str, tuple[int, int]]:
    """Per field: (right, documents that state it). A document that states
    no subject is right on title when its display title is not a header line
    and names it otherwise (type, sender or Kamerstuk, date)."""
    out = {f: [0, 0] for f in FIELDS}
    for row in rows:
        h = _read(row)
        for f in FIELDS:
            want = row[f]
            if f == "title" and not want:
                shown = display_title(h)
                ok = bool(shown) and not h.title and _norm(shown) != _norm(row["dossier_title"])
            elif not want:
                continue
            else:
                ok = _norm(getattr(h, f)) == _norm(want)
            out[f][0] += ok
            out[f][1] += 1
    return {f: (a, b) for f, (a, b) in out.items()}


# Documents whose header the parser cannot read, with why (each is a quirk of one
# source, not of a layout).
KNOWN_UNREADABLE = {
    "039_berthub-2020D11003-gaswinning-groningen.txt":
        "Word field residue (HYPERLINK ... \\t \"_self\") glues the dossier line and the body into one line",
    # not a misreading: two answering ministers, in the order the answer line
    # names them; the manifest writes them in the order the questions address them
    "316_tk-2022D23151-nema-emissies-landbouw.txt":
        "the manifest orders two senders as the questions address them, the parser as the answer names them",
}


@pytest.mark.parametrize("folder, file", [
    pytest.param(folder, f, marks=pytest.mark.xfail(reason=KNOWN_UNREADABLE[f], strict=True))
    if f in KNOWN_UNREADABLE else (folder, f) for folder, (_, split) in FOLDERS.items() for f in split["dev"]])
def test_published_dev_document(folder, file):
    row = next(r for r in _manifest(folder) if r["file"] == file)
    h = _read(row)
    for f in ("kamerstuk", "date", "dossier", "number", "sender", "sender_name"):
        assert _norm(getattr(h, f)) == _norm(row[f]), (f, getattr(h, f), row[f])
    if row["title"]:
        assert _norm(h.title) == _norm(row["title"])
    else:
        assert not h.title, h.title


# The test splits are measured, never fitted. The target is 0.95 per
# field; the floor is what the parser reaches of the documents that state
# the field, so a change that reads fewer test documents right fails here.
# letters-extra: title 21/22, Kamerstuk 17/17, date 19/19; published: 14/15,
# 13/13, 15/15. Both test splits have since been read to classify failures
# (the closing notes say which fixes followed), so they are floors against
# regressions, not unseen measures; the README of eval/published says more.
TEST_FLOOR = {"letters-extra": {"title": 21, "kamerstuk": 17, "date": 19},
              "published": {"title": 14, "kamerstuk": 13, "date": 15},
              # measured once, unseen: 18/20, 14/15, 17/18
              "published_b": {"title": 18, "kamerstuk": 14, "date": 17},
              # measured once, unseen, before any change: 11/12, 9/9, 12/12
              "published2": {"title": 11, "kamerstuk": 9, "date": 12}}


@pytest.mark.parametrize("folder", FOLDERS)
def test_published_test_documents_floor(folder):
    rows = [r for r in _manifest(folder) if r["file"] in FOLDERS[folder][1]["test"]]
    result = score(rows)
    for f, (right, n) in result.items():
        assert right >= TEST_FLOOR[folder][f], (
            f"{folder} {f}: {right}/{n} (test documents are not listed: nobody fits on them)")


def test_titles_of_the_published_documents_are_unique():
    # Within one folder; a subject that repeats over the years (two cybercrime
    # progress letters across the folders) is told apart by the corpus
    # (tests/ingest/test_corpus.py).
    rows = _manifest()
    titles = [display_title(_read(r)) for r in rows]
    dupes = {t for t in titles if titles.count(t) > 1}
    assert not dupes, dupes


def test_the_publication_sites_footnote_anchors_are_furniture():
    text = ("Vraag 1\nKent u het bericht over de nieuwe fietsroutes?1\n\nX Noot\n1\n\n"
            "Dagblad, 3 mei 2021 – «Gemeente legt fietsroutes aan»\n\nX Noot\n2\n\n"
            "Omroep, 4 mei 2021 – «Fietsers blij»\n")
    marks = [text[a:b] for a, b, kind in parse(text).furniture if kind == "footnote mark"]
    assert marks == ["X Noot", "1", "X Noot", "2"]


# Layouts first met in the published openings' test half and the new documents
# (each fixture is invented, in the layout of the site that publishes it).
PIPE_TABLE = ("Kamerstuk\n| Datum publicatie | Organisatie | Vergaderjaar | Dossier- en ondernummer | Datum brief |\n"
              "|---|---|---|---|---|\n| Tweede Kamer der Staten-Generaal | 2001-2002 | 28123 nr. 4 |\n"
              "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n's-Gravenhage, 3 mei 2002\n"
              "Hierbij bied ik u de notitie over de fietsveiligheid aan.\n")
MONITOR = ("Memorie van toelichting - Wijziging van de Fietswet - Hoofdinhoud\n"
           "Deze memorie van toelichting i is onder nr. 3 toegevoegd aan wetsvoorstel 36999 - Wijziging van de Fietswet i.\n"
           "Inhoudsopgave\nOfficiële titel | Wijziging van de Fietswet; Memorie van toelichting |\n---|---|\n"
           "Documentdatum | 01-03-2024 |\nKenmerk | 36999, nr. 3 |\n"
           "Tweede Kamer der Staten-Generaal\n36 999\nWijziging van de Fietswet\nNr. 3\nMEMORIE VAN TOELICHTING\n"
           "Vastgesteld 1 maart 2024\nDe regering stelt voor de Fietswet te wijzigen.\n")
SLASHED = ("Nota n.a.v. het (nader/tweede nader/enz.) verslag : Nota naar aanleiding van het verslag\n"
           "36 998 Wijziging van de Wet op de fietspaden\nNr. 6 NOTA NAAR AANLEIDING VAN HET VERSLAG\n"
           "Ontvangen 2 april 2024\nDe regering dankt de commissie voor het verslag.\n")
MOTION = ("36 997 Fietsbeleid\n\nNr. 12 MOTIE VAN HET LID JANSEN C.S.\n\nVoorgesteld 4 april 2024\n\nDe Kamer,\n\n"
          "gehoord de beraadslaging,\n\nverzoekt de regering meer fietspaden aan te leggen,\n\n"
          "en gaat over tot de orde van de dag.\n\nJansen\n\nDe Vries\n\nVan der Berg\n")
DATA_SITE = ("Voortgang fietsbeleid\n\nFietsbeleid\n\nBrief regering\n\nNummer: 2024D10001, datum: 2024-04-05, versie: 1\n\n"
             "Gerelateerde personen:- Eerste ondertekenaar: A. Jansen, minister van Infrastructuur en Waterstaat\n"
             "- Mede ondertekenaar: B. de Vries, staatssecretaris van Infrastructuur en Waterstaat\n\n"
             "Onderdeel van kamerstukdossier 36997 -13 Fietsbeleid.\n\nGeachte voorzitter,\n\nHierbij stuur ik u de voortgang.\n")


@pytest.mark.parametrize("text, want", [
    (PIPE_TABLE, {"kamerstuk": "28 123, nr. 4", "date": "2002-05-03"}),
    (MONITOR, {"kamerstuk": "36 999, nr. 3", "title": "", "dossier_title": "Wijziging van de Fietswet"}),
    (SLASHED, {"kamerstuk": "36 998, nr. 6", "date": "2024-04-02", "title": "", "kind": layout.NOTA}),
    (MOTION, {"kamerstuk": "36 997, nr. 12", "members": ("Jansen", "De Vries", "Van der Berg")}),
    (DATA_SITE, {"kamerstuk": "36 997, nr. 13", "sender_name": "A. Jansen; B. de Vries"}),
])
def test_more_published_layouts(text, want):
    h = parse(text).header
    assert {k: getattr(h, k) for k in want} == want


def test_a_ministry_name_above_the_letter_is_letterhead_not_title():
    text = ("Ministerie van Infrastructuur en Waterstaat\n\nVoortgang proef drijvende scanners\n\n"
            "Hierbij informeer ik uw Kamer over de proef met drijvende scanners in de kleine havens.\n")
    lay = parse(text)
    assert lay.header.title == "Voortgang proef drijvende scanners"
    start = text.index("Ministerie")
    assert any(a <= start < b and kind == "letterhead" for a, b, kind in lay.furniture)


def test_a_minutes_item_saved_on_its_own_is_titled_without_its_number():
    text = ("12 Stemmingen moties Havenwet\n\n"
            "Aan de orde zijn de stemmingen over moties, ingediend bij het debat over de Havenwet.\n\n"
            "In stemming komt de motie-Van den Berg over drijvende scanners.\n")
    header = parse(text).header
    assert header.title == "Stemmingen moties Havenwet" and header.kind == layout.HANDELINGEN
    # a numbered first line without the minutes' formula is left alone
    assert parse("12 Maatregelen voor de havens\n\nDe minister neemt maatregelen.\n").header.kind != layout.HANDELINGEN


def test_a_letter_quoted_whole_in_a_report_has_its_heading_and_opening_marked():
    # A verslag van een schriftelijk overleg holds the committee's letter: its
    # capitals heading (a "/" in a committee's name included), addressee and
    # place-and-date are furniture like the document's own header, its text is not.
    text = ("36 996 Fietsbeleid\n\nB VERSLAG VAN EEN SCHRIFTELIJK OVERLEG\n\nVastgesteld 3 mei 2024\n\n"
            "De leden van de commissie hebben kennisgenomen van de fietsnota.\n\n"
            "BRIEF VAN DE VOORZITTER VAN DE VASTE COMMISSIE VOOR VERKEER/WATERSTAAT\n\n"
            "Aan de Minister van Infrastructuur en Waterstaat\n\nDen Haag, 2 april 2024\n\n"
            "De leden vragen de minister hoeveel fietspaden er in 2023 zijn aangelegd.\n")
    lay = parse(text)
    marked = {text[a:b]: kind for a, b, kind in lay.furniture}
    assert marked.get("BRIEF VAN DE VOORZITTER VAN DE VASTE COMMISSIE VOOR VERKEER/WATERSTAAT") == "document header"
    assert marked.get("Aan de Minister van Infrastructuur en Waterstaat") == "letterhead"
    assert marked.get("Den Haag, 2 april 2024") == "letterhead"
    assert not any("fietspaden" in m or "kennisgenomen" in m for m in marked)
    assert lay.header.kamerstuk == "36 996, B" and lay.header.date == "2024-05-03"


def test_a_table_of_contents_is_furniture_down_to_the_body():
    text = ("Regeling fietsenstallingen bij stations 2031\n\n"
            "Hierbij treft u de regeling over de fietsenstallingen aan.\n\n"
            "Inhoudsopgave\n\n1. Algemeen\n\n1.1 Doel van de regeling\n\n1.2 Leeswijzer\n\n"
            "2. Beheer van de stallingen\n\nBijlage 1 Begrippen ........ 14\n\n"
            "1. Algemeen\n\nDe regeling geldt voor alle stations met meer dan duizend fietsen.\n")
    contents = [text[a:b] for a, b, kind in parse(text).furniture if kind == "contents"]
    assert contents == ["Inhoudsopgave", "1. Algemeen", "1.1 Doel van de regeling", "1.2 Leeswijzer",
                        "2. Beheer van de stallingen", "Bijlage 1 Begrippen ........ 14"]


def test_a_table_of_contents_printed_one_part_to_a_line_is_furniture():
    # The parliament's site prints each entry's number, title and page on lines of their own.
    text = ("INBRENG VERSLAG VAN EEN SCHRIFTELIJK OVERLEG\n\n"
            "De vaste commissie voor Infrastructuur heeft vragen voorgelegd over de fietsbrief.\n\n"
            "Inhoudsopgave\nblz.\nI.\nVragen en opmerkingen vanuit de fracties\n2\n1.\n"
            "Vragen en opmerkingen vanuit de fractie van de Fietspartij\n2\nII.\n"
            "Reactie van de Minister van Infrastructuur en de\nStaatssecretaris van Financi\u00ebn\n9\n"
            "I. Vragen en opmerkingen vanuit de fracties\n"
            "De leden van de Fietspartij hebben met belangstelling kennisgenomen van de fietsbrief\n"
            "en hebben nog enkele vragen.\n")
    contents = [text[a:b] for a, b, kind in parse(text).furniture if kind == "contents"]
    assert contents[0] == "Inhoudsopgave" and contents[-1] == "9" and len(contents) == 12, contents
    # the body's first heading and its text stay
    assert "I. Vragen en opmerkingen vanuit de fracties" not in contents


def test_a_table_of_contents_with_page_numbers_ends_where_the_body_repeats_an_entry():
    text = ("Inhoudsopgave blz.\nI. Vragen en opmerkingen vanuit de fracties 2\n"
            "1. Vragen en opmerkingen vanuit de fractie van de Fietspartij 2\n"
            "II. Reactie van de Minister 9\n"
            "I. Vragen en opmerkingen vanuit de fracties\n"
            "1. Vragen en opmerkingen vanuit de fractie van de Fietspartij\n"
            "De leden van de Fietspartij hebben enkele vragen.\n")
    contents = [text[a:b] for a, b, kind in parse(text).furniture if kind == "contents"]
    assert contents == ["Inhoudsopgave blz.", "I. Vragen en opmerkingen vanuit de fracties 2",
                        "1. Vragen en opmerkingen vanuit de fractie van de Fietspartij 2", "II. Reactie van de Minister 9"]


@pytest.mark.parametrize("reference", [
    # wrapped from the answer header's last line onto the next
    "(ontvangen 20 april 2031). Zie ook Aanhangsel\nHandelingen, vergaderjaar 2030–2031, nr. 1234.",
    # on a line of its own, to two earlier numbers
    "(ontvangen 20 april 2031).\nZie ook Aanhangsel Handelingen, vergaderjaar 2030–2031, nrs. 1234 en 1240.",
])
def test_an_answers_reference_to_its_earlier_number_is_header_not_a_sentence(reference):
    text = ("Vragen van het lid Jansen (XYZ) aan de Minister van Justitie en Veiligheid over fietsdiefstal "
            "(ingezonden 2 april 2031).\nAntwoord van Minister Voorbeeld (Justitie en Veiligheid) "
            f"{reference}\nVraag 1\nHoeveel fietsen zijn gestolen?\nAntwoord 1\nDat waren er 40.\n")
    lay = parse(text)
    marked = " ".join(text[a:b] for a, b, _ in lay.furniture)
    assert "vergaderjaar 2030–2031" in marked
    assert "Dat waren er 40" not in marked


# eval/published3: 14 more openings, collected for questions (its README), read
# once by the parser before any change: every date, and every Kamerstuk number
# the text states. Its manifest writes two conventions of its own: a letter in
# two dossiers names both ("31 839 / 34 477, nr. 657"; the parser gives the
# first, as letters-extra does), and an Aanhangsel number the opening does not
# print comes from the address (the parser gives none).
PUBLISHED3 = REPO / "eval" / "published3"


def _primary(kamerstuk: str) -> str:
    return re.sub(r"^(\d[\d ]*?)\s*/\s*[\d ]+(?=, nr\.)", r"\1", kamerstuk)


def test_fresh_published_documents_are_dated_and_numbered():
    rows = [json.loads(x) for x in (PUBLISHED3 / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) == 14
    for row in rows:
        text = (PUBLISHED3 / "letters" / row["file"]).read_text(encoding="utf-8")
        h = parse(text).header
        assert h.date == row["date"], (row["file"], h.date)
        want = _primary(row["kamerstuk"])
        if h.kamerstuk or not want:
            assert _norm(h.kamerstuk) == _norm(want), (row["file"], h.kamerstuk, want)
        else:  # read nothing: the opening must not print it (as "nr. N" or in a source address)
            number = re.search(r"nr\. (\d+)$", want).group(1)
            assert not re.search(rf"nr\. {number}\b|-{number}\.html", text), (row["file"], want)
