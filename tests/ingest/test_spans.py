"""rag.ingest.spans: the typed spans stored with each chunk at build time. Examples
are invented; none comes from the letters or the eval questions."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.search import question as Q
from rag.ingest import spans as S
from rag.textnl import numberised

ROOT = Path(__file__).resolve().parents[2]


def kinds(text: str, kind: str) -> list[tuple[str, str, str]]:
    return [(text[s.start:s.end], s.value, s.extra) for s in S.extract(text) if s.kind == kind]


def test_a_number_counts_the_noun_after_its_filler_words():
    assert ("vier", "4", "meldpunten") in kinds("Er komen vier nieuwe meldpunten bij.", S.COUNT)
    assert ("40", "40", "scanners") in kinds("Er komen 40 extra scanners bij.", S.COUNT)


def test_numbers_that_refer_count_nothing():
    assert kinds("Zie artikel 12 en Kamerstuk 31 415, nr. 9.", S.COUNT) == []


@pytest.mark.parametrize("text", [
    "Het fietsplan 2024-2027 is vastgesteld.",            # a span of years: no count "202"
    "De stalling opende in 2021.3 Daarna kwamen er meer.",  # a year before a footnote marker: no "202"
    "Kent u het bericht over de fietsendiefstal?1",       # a footnote marker after a question
    "Zij lazen «Fietsen weg»1 met veel fietsers.",        # and after a quoted title
])
def test_parts_of_a_longer_number_and_footnote_markers_count_nothing(text):
    assert kinds(text, S.COUNT) == []


def test_a_port_by_name_and_by_adjective_is_one_port():
    a = {v for _, v, _ in kinds("De haven van Amsterdam groeit.", S.PORT)}
    b = {v for _, v, _ in kinds("De Amsterdamse haven groeit.", S.PORT)}
    assert a & b


def test_number_words_become_digits_and_references_go():
    assert numberised("drie weken") == "3 weken"
    assert Q._numberised("zie artikel 12 over dertig zaken").split() == ["zie", "over", "30", "zaken"]


@pytest.mark.parametrize("text, amount", [
    ("De gemeente trekt drie miljoen euro uit voor fietspaden.", "drie miljoen euro"),
    ("Het plan kost twintig miljard euro.", "twintig miljard euro"),
    ("Er is een miljoen euro beschikbaar.", "een miljoen euro"),
    ("Er is 4 miljoen euro beschikbaar.", "4 miljoen euro"),
])
def test_an_amount_in_words_is_an_amount(text, amount):
    assert [a for a, _, _ in kinds(text, S.MONEY)] == [amount]


# Spans tied on position and kind (an acronym and its folded twin) are built
# into the index: their order must not follow the hash seed of the process.
_TIES = "Samenwerking in INTERPOL-verband en met de OVSE-partners; de Wet Kansspelen II."
_DUMP = f"from rag.ingest.spans import extract; print(repr(extract({_TIES!r})))"


@pytest.mark.subprocess
def test_extract_is_the_same_in_every_process():
    outs = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        r = subprocess.run([sys.executable, "-c", _DUMP], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True)
        outs.add(r.stdout)
    assert len(outs) == 1, outs


def test_a_small_home_town_is_a_city():
    # (Zierikzee: some 11,000 inhabitants; Kamervragen name such towns)
    assert [t for t, _, _ in kinds("De fietsenmaker in Zierikzee sluit.", S.CITY)] == ["Zierikzee"]


def test_a_province_is_not_taken_for_a_small_town_of_its_name():
    # (a town of Limburg lies in Belgium; the province is meant)
    assert [t for t, _, _ in kinds("De fietspaden in Limburg worden breder.", S.REGION)] == ["Limburg"]


def test_a_place_named_with_its_country_in_brackets_is_a_city():
    assert [t for t, _, _ in kinds("Het schip kwam uit Sines (Portugal) binnen.", S.CITY)] == ["Sines"]


@pytest.mark.parametrize("text, places", [
    ("Het Kamerlid Van Dalen vroeg naar de fietsenstalling.", []),
    ("De vragen van het lid Van der Berg gaan over fietspaden.", []),
    ("De fietsroute loopt van Deventer naar Van in Turkije.", ["Deventer", "Van", "Turkije"]),
    # a place after the particle is the surname's too, but a sentence may open with "Van <place>"
    ("Het fietsrapport-Van Zwolle noemt geen cijfers.", []),
    ("Van Zwolle naar Deventer is het veertig minuten fietsen.", ["Zwolle", "Deventer"]),
])
def test_a_capitalised_particle_in_a_surname_is_no_place(text, places):
    found = [text[s.start:s.end] for s in S.extract(text) if s.kind in (S.CITY, S.COUNTRY, S.REGION)]
    assert found == places


@pytest.mark.parametrize("adjective, city", [("Rotterdamse", "Rotterdam"), ("Antwerpse", "Antwerpen")])
def test_a_port_adjective_takes_the_citys_identity(adjective, city):
    by_name = {v for _, v, _ in kinds(f"De haven van {city} groeit.", S.PORT)}
    by_adjective = {v for _, v, _ in kinds(f"De {adjective} haven groeit.", S.PORT)}
    assert by_name == by_adjective and not next(iter(by_adjective)).startswith("name:")


@pytest.mark.parametrize("text, count", [
    ("Er zijn twee bilaterale verdragen gesloten.", ("twee", "2", "verdragen")),
    ("Het RIVM meet op twintig representatieve locaties.", ("twintig", "20", "locaties")),
])
def test_two_counts_and_an_inflected_adjective_is_skipped(text, count):
    assert count in kinds(text, S.COUNT)


def test_een_stays_the_article():
    assert kinds("Er komt een aantal nieuwe teams.", S.COUNT) == []


def test_a_date_with_its_day_is_told_from_a_month_or_a_season():
    days = {t: [S.has_day(s) for s in S.extract(t) if s.kind == S.DATE]
            for t in ("Op 3 april 2024 opent de veerdienst.", "In april 2024 opent de veerdienst.",
                      "In het voorjaar opent de veerdienst.")}
    assert days == {"Op 3 april 2024 opent de veerdienst.": [True], "In april 2024 opent de veerdienst.": [False],
                    "In het voorjaar opent de veerdienst.": [False]}


@pytest.mark.parametrize("text, people, names", [
    # a role's portfolio is neither a person nor a name
    ("Mede namens de staatssecretaris Fietsen, Wegen en Water stuur ik u de brief.", [], []),
    ("Dat zei de minister Wonen en Ruimte gisteren.", [], []),
    # a name after the role still is, also two members named together
    ("Dat zei minister Jasper gisteren in Zwolle.", ["Jasper"], []),
    ("De motie van de leden Bakker en Smit vraagt om bredere fietspaden.", ["Bakker"], ["Bakker en Smit"]),
])
def test_a_roles_portfolio_is_no_name(text, people, names):
    assert [t for t, _, _ in kinds(text, S.PERSON)] == people
    assert [t for t, _, x in kinds(text, S.LAW) if x == "phrase"] == names


@pytest.mark.parametrize("text", [
    "De Fietspartij vraagt de regering om een meerjarig plan voor bredere fietspaden.",
    "verzoekt de regering, de fietspaden te verbreden,",
    # ... asked of it in the passive, and a letter promised
    "In maart 2030 werd het kabinet door de fietsbond gevraagd de wachttijden te meten.",
    "Het nieuwe fietsplan is vorige maand door de wethouder aangekondigd.",
    "Ik zeg toe de gemeenteraad in het voorjaar te informeren over de fietspaden.",
])
def test_a_request_of_the_government_is_no_outcome(text):
    assert kinds(text, S.PROSPECTIVE)


def test_now_in_a_letter_is_the_letters_year():
    # "momenteel" with no year of its own is the time of writing; a sentence
    # with its own year or date keeps it; a letter without a date adds none.
    text = "Momenteel staan er 40 deelfietsen bij het station. In 2029 stonden er 12."
    spans = [(k, text[a:b], v) for k, a, b, v, _ in S.of_chunk(text, ((0, 50), (51, len(text))), "2031-03-02")
             if k == S.YEAR]
    assert spans == [(S.YEAR, "Momenteel", "2031"), (S.YEAR, "2029", "2029")]
    assert not [k for k, *_ in S.of_chunk(text, ((0, 50),), "") if k == S.YEAR]


@pytest.mark.parametrize("sentence, year", [
    ("Vorig jaar kwamen er 40 deelfietsen bij.", "2030"),
    ("Dit jaar komen er 40 deelfietsen bij.", "2031"),
    ("Volgend jaar komen er 40 deelfietsen bij.", "2032"),
    # "jl.": the last such month before the letter (of 2 March 2031)
    ("Op 8 februari jl. sprak ik met de fietsbond.", "2031"),
    ("Op 3 november jongstleden sprak ik met de fietsbond.", "2030"),
    # "a.s.": the next one
    ("Op 10 april a.s. spreek ik met de fietsbond.", "2031"),
    ("Op 10 januari aanstaande spreek ik met de fietsbond.", "2032"),
])
def test_a_year_named_relative_to_the_letter_is_read_off_its_date(sentence, year):
    years = [(v, x) for k, _, _, v, x in S.of_chunk(sentence, ((0, len(sentence)),), "2031-03-02") if k == S.YEAR]
    assert years == [(year, S.OF_THE_LETTER)]
    # a sentence with a year of its own keeps only that one
    own = sentence[:-1] + " in 2029."
    assert [v for k, _, _, v, _ in S.of_chunk(own, ((0, len(own)),), "2031-03-02") if k == S.YEAR] == ["2029"]


@pytest.mark.parametrize("text", [
    "Hierbij ontvangt u de brief aan de gemeenten over de fietsenstallingen.",
    "Middels deze brief wil ik uw Kamer op de hoogte stellen van de fietsmaatregelen.",
    "Ik zal hieronder ingaan op de verbreding van de fietspaden en de stallingen.",
    "Verder ga ik nader in op de kapotte fietsbrug bij het station.",
    # an investigation still under way has no outcome yet
    "Naar de fietsendiefstallen vindt een onderzoek plaats.",
])
def test_a_sentence_about_the_letter_itself_reports_no_outcome(text):
    assert kinds(text, S.PROSPECTIVE)


@pytest.mark.parametrize("text, counts", [
    # a number's multiplier word is part of it, then comes what it counts
    ("De fabriek levert onderdelen voor drie miljoen fietsen per jaar.", [("drie", "3000000", "fietsen")]),
    # a sum of money, the euro written or left out, is no count
    ("Het fietsplan kost 3 miljoen euro per jaar.", []),
    ("Het fietsfonds krijgt er in 2031 ruim 1 mld. bij.", []),
])
def test_a_count_in_millions_counts_what_follows(text, counts):
    assert kinds(text, S.COUNT) == counts


@pytest.mark.parametrize("text, share", [
    ("Een op de vijf fietspaden is te smal.", "Een op de vijf"),
    ("Twee derde van de stallingen staat vol.", "Twee derde"),
    ("One in five cycle paths is too narrow.", "One in five"),
])
def test_a_share_in_words_is_a_percentage(text, share):
    assert [t for t, _, _ in kinds(text, S.PERCENT)] == [share]


@pytest.mark.parametrize("text", [
    "De motie van het lid Bakker (Fietspartij)1 vraagt om bredere fietspaden.",
    "De gemeente moet die wensen in acht nemen bij de fietspaden.",
])
def test_a_footnote_after_a_bracket_and_in_acht_nemen_count_nothing(text):
    assert kinds(text, S.COUNT) == []


@pytest.mark.parametrize("sentence, years", [
    ("De regeling geldt in de periode 2031–2034 voor alle stallingen.", {"2031", "2032", "2033", "2034"}),
    ("In het schooljaar 2031/32 kregen de scholen een fietsenstalling.", {"2031", "2032"}),
    ("Van 2031 tot en met 2033 telt Zwolle de fietsen jaarlijks.", {"2031", "2032", "2033"}),
    ("Tussen 2031 en 2033 telt Zwolle de fietsen jaarlijks.", {"2031", "2032", "2033"}),
    ("In 2031 en 2033 telde Zwolle de fietsen.", {"2031", "2033"}),  # two years, no period
])
def test_a_period_of_years_names_every_year_in_it(sentence, years):
    assert {s.value for s in S.extract(sentence) if s.kind == S.YEAR} == years
