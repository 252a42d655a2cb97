"""The extractive answerer's answer-type checks, on hand-made passages.

These checks carry most of the refusals of near-miss questions (eval/thresholds.md),
so each rule is pinned here with a question it must catch and one it must let pass.
"""
from __future__ import annotations

import pytest

from rag.answer import _QUANTITY, Candidate, answer_type_gaps, candidates, complete
from rag.records import Chunk, Passage
from rag.retrieve import tokenize


def _passage(text: str, rank: int = 1, section: str = "", title: str = "Voortgangsbrief (2023)") -> Passage:
    chunk = Chunk(chunk_id=f"c{rank}", letter_id="brief", title=title, date="", kamerstuk="",
                  pages=(1,), section=section, start=0, end=len(text), text=text)
    return Passage(chunk, rank, 1.0, dense_score=0.9)


def _gaps(question: str, *texts: str) -> list[str]:
    passages = [_passage(t, i) for i, t in enumerate(texts, start=1)]
    return answer_type_gaps(question, passages, candidates(passages), tokenize)


@pytest.mark.parametrize("text, found", [
    ("In het Noordzeekanaalgebied worden 56 extra ANPR-camera’s geplaatst.", "56"),
    ("Het gaat om ca. 4 miljoen euro per jaar.", "4"),
    ("FIU-Nederland kende aan 2.940 transacties een delictsvorm toe.", "2.940"),
    ("Het percentage steeg naar 12,5 in dat jaar.", "12,5"),
    ("Er zijn twee verdragen gesloten met de Emiraten.", "twee"),
])
def test_quantities_are_found(text, found):
    assert _QUANTITY.search(text).group(0) == found


@pytest.mark.parametrize("text", [
    "Nederland sloot zich aan bij het programma EL PAcCTO 2.0 van de EU-lidstaten.",  # a version
    "Het verdrag is in werking sinds 1 augustus 2023.",  # a date
    "Zie paragraaf 3.2 van de toekomstagenda voor de uitwerking.",  # a section number
])
def test_versions_dates_and_years_are_no_quantity(text):
    assert _QUANTITY.search(text) is None


def test_a_count_needs_the_counted_thing_beside_the_number():
    q = "Hoeveel drugslabs zijn er in 2023 in Nederland ontmanteld?"
    assert "count of drugslab" in _gaps(
        q, "In 2023 zijn 223 dossiers over drugscriminaliteit toegekend aan de FIOD en de politie.",
        "Brandgevaarlijke drugslabs in woonwijken zijn een groot probleem voor gemeenten en bewoners.")
    assert _gaps(q, "In 2023 zijn in Nederland 112 drugslabs ontmanteld door de politie en gemeenten.") == []


def test_compounds_may_vary_their_first_part():
    q = "Hoeveel extra kentekencamera's worden er rond het Noordzeekanaal geplaatst?"
    assert _gaps(q, "In het Noordzeekanaalgebied worden 56 extra ANPR-camera’s geplaatst.") == []


def test_units_and_time_spans_are_not_the_counted_thing():
    q = "Voor hoeveel jaar was de financiering van de regionale aanpak bedoeld?"
    assert _gaps(q, "De financiering van de regionale aanpak was bedoeld voor een periode van vier jaar.") == []
    q = "Hoeveel kilo cocaïne is in de haven van Rotterdam in beslag genomen?"
    assert "count of cocain" in _gaps(q, "In de haven van Rotterdam zijn 40 extra medewerkers van de douane aangesteld.")


def test_money_questions_need_an_amount():
    q = "How much money did the Netherlands contribute to the EL PAcCTO 2.0 programme?"
    gaps = _gaps(q, "Ook heeft Nederland zich aangesloten bij het capaciteitsopbouwprogramma EL PAcCTO 2.0 van de EU.")
    assert "amount" in gaps and "quantity" in gaps
    assert _gaps("Hoeveel geld gaat er structureel naar de rechtshulpketen?",
                 "Het gaat hierbij om ca. 4 miljoen euro per jaar voor de rechtshulpketen.") == []


def test_findings_that_are_only_announced_are_no_findings():
    q = "Wat waren de belangrijkste conclusies van het WODC-onderzoek naar ondergronds bankieren?"
    assert "findings (only announced)" in _gaps(
        q, "Daarnaast verwacht ik de resultaten van het WODC-onderzoek naar ondergronds bankieren in het najaar.")
    assert _gaps(q, "Het WODC-onderzoek naar ondergronds bankieren concludeert dat toezicht op betaaldiensten tekortschiet.") == []


def test_dates_and_years():
    q = "Wanneer is het Benelux politieverdrag in werking getreden?"
    assert "date" in _gaps(q, "Het Benelux politieverdrag versterkt de grensoverschrijdende samenwerking van de politie.")
    assert _gaps(q, "Het Benelux politieverdrag is op 1 oktober 2023 in werking getreden voor alle partijen.") == []
    # a year in the letter's title counts: "de brief van 2023" names the letter
    assert _gaps("Wat staat er in de brief van 2023 over de havens?",
                 "De havens krijgen extra aandacht van de douane en de politie in de komende jaren.") == []


def test_names_match_by_stem_and_ignore_compound_adjectives():
    assert _gaps("Welke motie over de Noordzeehavens wordt meegenomen?",
                 "Ik neem de motie van de leden Bikker en Kuik over een structurele Noordzeehavenaanpak mee.") == []
    assert _gaps("Met welk Zuid-Amerikaans land sloot de Douane een verdrag?",
                 "In oktober heeft de Douane een douaneverdrag ondertekend met Ecuador over drugssmokkel.") == []
    assert "name Amsterdam" in _gaps("Wie is de burgemeester van Amsterdam?",
                                    "De burgemeester speelt een rol in de bestuurlijke aanpak van ondermijning.")


def test_the_sentence_after_a_match_may_supply_the_fact():
    p = _passage("Er wordt structureel extra geld geïnvesteerd in de internationale rechtshulpketen. "
                 "Het gaat hierbij om ca. 4 miljoen euro per jaar, verdeeld over vier organisaties. "
                 "Ook de samenwerking met andere landen wordt daarmee versterkt en verbeterd.")
    cands = [Candidate(c.passage, c.start, c.end, c.text, dense=0.9 - 0.1 * i)
             for i, c in enumerate(candidates([p]))]
    q = "Hoeveel geld gaat er structureel extra naar de internationale rechtshulpketen?"
    ok = lambda cs: not answer_type_gaps(q, [p], cs, tokenize)  # noqa: E731
    chosen = complete([cands[0]], cands, ok)
    assert [c.text for c in chosen] == [cands[0].text, cands[1].text]
    # nothing to add when the chosen sentence already holds the fact
    assert complete([cands[1]], cands, ok) == [cands[1]]
