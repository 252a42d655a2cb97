"""Dutch sentence boundaries (rag/ingest/sentences.py) on this file's own made-up
sentences: abbreviations and initials, paragraph breaks, list numbers, and
spans that are trimmed slices of the input. (That spans stay inside any text
and come in order is fuzzed in tests/pipeline/test_fuzz.py.)"""
from __future__ import annotations

import pytest

from rag.ingest.sentences import sentence_spans, split_sentences


# --------------------------------------------------------- what does not end one
@pytest.mark.parametrize("first", [
    "De coalitie bestaat o.a. Nederland, België en Spanje.",  # o.a. before a capital
    "Het gaat bijv. Colombia en Ecuador aan.",
    "Dit staat in Kamerstuk 29 911, nr. 355 van vorig jaar.",  # nr. before a number
    "Zoals gemeld in de brief van 3 maart jl. (Kamerstuk 31 415) is de pilot gestart.",
    "Het kost ca. 12 mln. Euro per jaar volgens de raming.",
    "Zie art. 5 van de Opiumwet voor de strafmaat.",
    "De brief is ondertekend door D.M. van Weel namens het kabinet.",
    "Het rapport van J.A. Jansen en mr. F. Bakker verscheen in mei.",  # initials before a capital
    "Volgens D. Yeşilgöz is dat nodig voor de aanpak.",
])
def test_abbreviations_and_initials_do_not_end_a_sentence(first):
    text = f"{first} Daarna volgt een tweede zin."
    assert split_sentences(text) == [first, "Daarna volgt een tweede zin."]


def test_a_full_stop_before_a_capital_does_end_a_sentence():
    # The counterpart of the abbreviation cases: ordinary words and numbers do end one.
    text = "De haven telt 3. Nederland doet mee. Het waren er 12. Dat klopt! Klopt dat? Ja… Goed."
    assert split_sentences(text) == ["De haven telt 3.", "Nederland doet mee.", "Het waren er 12.", "Dat klopt!",
                                     "Klopt dat?", "Ja…", "Goed."]


def test_a_closing_quote_or_bracket_stays_with_its_sentence():
    text = 'Hij zei: "Dat is zo." Daarna ging hij weg (zie bijlage.) En toen?'
    assert split_sentences(text) == ['Hij zei: "Dat is zo."', "Daarna ging hij weg (zie bijlage.)", "En toen?"]


def test_a_footnote_number_after_a_question_mark_ends_the_question():
    # Written questions put the note after the mark: "... «titel»?1 Wat vindt u ...?"
    text = "Kent u het bericht «Meer fietspaden in de stad»?1 Wat vindt u daarvan? Is het 3.5 keer zo veel?"
    assert split_sentences(text) == ["Kent u het bericht «Meer fietspaden in de stad»?1", "Wat vindt u daarvan?",
                                     "Is het 3.5 keer zo veel?"]
    # a number after a full stop is a decimal or a section, never a note
    assert split_sentences("Zie paragraaf 3.1 Het plan volgt.") == ["Zie paragraaf 3.1 Het plan volgt."]


def test_a_lowercase_word_after_a_full_stop_continues_the_sentence():
    text = "Het programma loopt tot 2027. en wordt daarna verlengd. Dan volgt de evaluatie."
    assert split_sentences(text) == ["Het programma loopt tot 2027. en wordt daarna verlengd.",
                                     "Dan volgt de evaluatie."]


# ---------------------------------------------------------- paragraph breaks
def test_a_paragraph_break_always_ends_a_sentence():
    text = ("Aanpak in de havens\n\n"  # a heading without a full stop
            "Dit staat o.a.\n\nDe volgende alinea.\n"  # an abbreviation right before the break
            " \t\n"  # a line of only spaces is a break too
            "en een kleine letter na de witregel")
    assert split_sentences(text) == ["Aanpak in de havens", "Dit staat o.a.", "De volgende alinea.",
                                     "en een kleine letter na de witregel"]


def test_a_single_line_break_does_not_end_a_sentence():
    text = "De douane controleert\nsinds dit jaar alle containers. Daarna\nvolgt de rest."
    assert split_sentences(text) == ["De douane controleert\nsinds dit jaar alle containers.", "Daarna\nvolgt de rest."]


# ------------------------------------------------------------------ list items
def test_list_numbers_stay_with_their_item():
    text = ("Wij doen drie dingen:\n\n"
            "1. Upstream verstoren van de handel. Dat gebeurt in de herkomstlanden.\n\n"
            "2. Downstream aanpakken in de havens.\n\n"
            "a. Een item met een letter.\n\n"
            "12. Een item met twee cijfers.")
    assert split_sentences(text) == ["Wij doen drie dingen:", "1. Upstream verstoren van de handel.",
                                     "Dat gebeurt in de herkomstlanden.", "2. Downstream aanpakken in de havens.",
                                     "a. Een item met een letter.", "12. Een item met twee cijfers."]


def test_list_numbers_glued_to_the_previous_item_start_a_sentence():
    # A lost paragraph break: the number follows ";" or ")" (maybe with a footnote number between).
    text = ("het toezicht op de grens;4 3. Meer capaciteit voor de recherche. "
            "Foto 2 De nieuwe boot (bron: archief) 4. Minder regels voor gemeenten. Het waren er 3. Dat klopt.")
    assert split_sentences(text) == [
        "het toezicht op de grens;4", "3. Meer capaciteit voor de recherche.",
        "Foto 2 De nieuwe boot (bron: archief)", "4. Minder regels voor gemeenten.", "Het waren er 3.", "Dat klopt."]


def test_a_list_number_glued_after_a_semicolon_or_bracket():
    text = "Eerst de kosten; 2. Dan de baten) 3. Tot slot de planning; en 4 andere punten."
    assert split_sentences(text) == ["Eerst de kosten;", "2. Dan de baten)",
                                     "3. Tot slot de planning; en 4 andere punten."]


# --------------------------------------------------------------------- spans
def test_spans_are_trimmed_slices_of_the_input():
    text = "  \n Eerste zin hier.   Tweede zin daar.\t\n\n  Derde zin.  \n"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Eerste zin hier.", "Tweede zin daar.", "Derde zin."]
    assert spans == [(4, 20), (23, 39), (44, 54)]


def test_start_and_end_give_spans_in_offsets_of_the_whole_text():
    before, middle, after = "Ervoor staat dit. ", "Eerste zin. Tweede zin.\n\nDerde zin.", " Erna komt dit."
    text = before + middle + after
    start, end = len(before), len(before) + len(middle)
    spans = sentence_spans(text, start, end)
    assert [text[a:b] for a, b in spans] == ["Eerste zin.", "Tweede zin.", "Derde zin."]
    assert spans == [(a + start, b + start) for a, b in sentence_spans(middle)]
    # A window that ends mid-sentence stops at its end.
    cut = text.index("zin.", start + 12)
    assert [text[a:b] for a, b in sentence_spans(text, start, cut)] == ["Eerste zin.", "Tweede"]


def test_whitespace_only_text_has_no_sentences():
    assert sentence_spans("") == [] and sentence_spans(" \n\n \t ") == []
    assert sentence_spans("Een zin.", 3, 3) == []


@pytest.mark.parametrize("unit", ["a. ", "A. ", "o.a. B ", "1. A; "])
def test_a_long_text_of_candidate_ends_is_split_in_one_pass(unit):
    """200 kB of full stops the splitter must look at (abbreviations,
    initials, glued list numbers). No timing assert: a splitter that looks
    back to the start of the text at every full stop (quadratic) does not
    return in any reasonable time here."""
    text = unit * (200_000 // len(unit))
    spans = sentence_spans(text)
    assert spans and all(text[a:b] == text[a:b].strip() for a, b in spans[:100])
    assert spans[-1][1] == len(text.rstrip())


def test_dd_before_a_date_does_not_end_the_sentence():
    from rag.ingest.sentences import sentence_spans
    text = "Zie de brief van de minister d.d. 4 mei 2021 over de havens. Daarna volgt meer."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Zie de brief van de minister d.d. 4 mei 2021 over de havens.", "Daarna volgt meer."]
