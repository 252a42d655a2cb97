"""The chunker (rag/ingest/chunk.py) on small hand-made letters: verbatim slices of
the cleaned text, the token limit, sentence-aligned overlap, what may be
quoted, the content hash, and one unit per Kamervraag.

The letters are this file's own (made-up ports, pilots and figures), written
the way the extracted letters look: wrapped lines, a page that starts with a
line beginning with a space, a footnote at the foot of a page.
"""
from __future__ import annotations

import textwrap

import pytest

from rag.ingest.chunk import chunk_letter
from rag.ingest.layout import parse
from rag.ingest.clean import CleanText, clean_letter
from rag.records import Chunk, Letter
from rag.ingest.sentences import sentence_spans
from rag.tokens import count_tokens

HEADING = "Wat we doen aan de smokkel in de kleine havens van het noorden"  # 13 words, no full stop
INTRO = "Hierbij informeer ik uw Kamer over de aanpak van drugssmokkel in de kleine havens."
HAVEN = [
    "De douane controleert in de haven van Harlingen sinds dit jaar alle containers uit risicolanden.",
    "Daarvoor zijn twee nieuwe scanners aangeschaft die samen vier miljoen euro kosten.",
    "De scanners draaien dag en nacht en worden bediend door een vast team van douaniers.",
    "Het team bestaat uit achttien medewerkers die daarvoor een speciale opleiding volgden.",
    "In de eerste maanden zijn op deze manier zeven partijen cocaïne onderschept.",
    "De gemeente Harlingen werkt mee door de toegang tot de kade beter te bewaken.",
]
CAPTION = "Figuur 1 Aantal controles per maand in de haven van Harlingen sinds januari."
ELDERS = [
    "Ook in Delfzijl en Den Helder wordt de controle van containers uitgebreid.",
    "Daar komen vanaf volgend jaar twee mobiele scanners op de kade.",
    "De kosten daarvan worden gedeeld met de havenbedrijven in de regio.",
    "Over de eerste resultaten informeer ik uw Kamer in het voorjaar.",
]
FOOTNOTE = "Zie ook de brief over de grote zeehavens van vorig jaar."


def _wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(paragraph, 80))


def _letter_raw(haven: list[str] = HAVEN) -> str:
    """Two pages; page 2 starts mid-sentence (after the footnote block of page 1)."""
    first = _wrap(" ".join(haven))
    cut = first.index("vast team")  # page 2 begins inside the third sentence
    return "\n".join([
        " Geachte voorzitter,", "",
        _wrap(INTRO + "1"), "",  # footnote marker glued to the full stop
        HEADING, "",
        first[:cut].rstrip(), "",
        f"1 {FOOTNOTE}",
        " " + first[cut:], "",
        CAPTION, "",
        _wrap(" ".join(ELDERS)), "",
        "De Minister van Justitie en Veiligheid,", "",
        "X. Voorbeeld",
    ]) + "\n"


def _letter(kind: str = "kamerbrief", title: str = "Kleine havens") -> Letter:
    return Letter(letter_id="brief", title=title, kind=kind, file="brief.txt", sha256="0" * 64)


def _chunk(raw: str, *, kind: str = "kamerbrief", max_tokens: int = 60, overlap: int = 1,
           title: str = "Kleine havens") -> tuple[CleanText, list[Chunk]]:
    clean = clean_letter(raw)
    return clean, chunk_letter(_letter(kind, title), clean, max_tokens=max_tokens, overlap_sentences=overlap,
                               count=count_tokens)


def _sentences_in(clean: CleanText, c: Chunk) -> list[tuple[int, int]]:
    return [(a, b) for a, b in sentence_spans(clean.text) if c.start <= a and b <= c.end]


def _overlaps(a: int, b: int, spans) -> bool:
    return any(a < y and x < b for x, y in spans)


def test_the_hand_made_letter_cleans_as_the_tests_assume():
    clean = clean_letter(_letter_raw())
    assert [h for _, h in clean.headings] == [HEADING]
    assert [(f.number, f.text, f.page) for f in clean.footnotes] == [("1", FOOTNOTE, 1)]
    assert len(clean.page_starts) == 2 and CAPTION in clean.text and INTRO in clean.text


# ------------------------------------------------------------- verbatim slices
@pytest.mark.parametrize("max_tokens", [30, 45, 60, 120])
def test_chunks_are_verbatim_slices_within_the_token_limit(max_tokens):
    clean, chunks = _chunk(_letter_raw(), max_tokens=max_tokens)
    body = [c for c in chunks if c.kind == "body"]
    assert body and len({c.chunk_id for c in chunks}) == len(chunks)
    for c in body:
        assert c.text == clean.text[c.start : c.end], c.chunk_id
        assert count_tokens(c.text) <= max_tokens, (c.chunk_id, count_tokens(c.text))
        assert c.pages == clean.pages_for(c.start, c.end)
        assert c.section == clean.section_at(c.start)
    # Nothing of the body is lost: every sentence is in some chunk (a run of
    # furniture alone, e.g. a header block, is shown in the letter view only).
    for a, b in sentence_spans(clean.text):
        if any(x <= a and b <= y for x, y, _ in clean.furniture):
            continue
        assert any(c.start <= a and b <= c.end for c in body), clean.text[a:b]


def test_a_chunk_across_a_page_break_lists_both_pages():
    clean, chunks = _chunk(_letter_raw(), max_tokens=120)
    page_two = clean.page_starts[1]
    across = [c for c in chunks if c.kind == "body" and c.start < page_two < c.end]
    assert across and all(c.pages == (1, 2) for c in across)
    assert all(c.pages == (2,) for c in chunks if c.kind == "body" and c.start >= page_two)


def test_a_footnote_is_its_own_chunk_linked_to_its_page():
    clean, chunks = _chunk(_letter_raw())
    notes = [c for c in chunks if c.kind == "footnote"]
    assert [(c.text, c.pages, c.section) for c in notes] == [(f"1 {FOOTNOTE}", (1,), "Voetnoot")]
    assert not any(FOOTNOTE in c.text for c in chunks if c.kind == "body")
    assert INTRO in clean.text  # the marker "1" is gone from the body sentence


def test_an_over_long_sentence_is_split_by_words_without_losing_any():
    words = ("de havens van Harlingen Delfzijl Den Helder Eemshaven Lauwersoog en Vlieland werken samen met "
             "douane politie gemeenten provincies waterschappen en havenbedrijven aan betere toegang "
             "strengere controles gedeelde camerabeelden en een gezamenlijk meldpunt voor verdachte "
             "situaties op en rond de kades in het hele noorden van het land").split()
    sentence = "Volgens het convenant " + " ".join(words * 2) + "."
    clean, chunks = _chunk(" " + _wrap(sentence) + "\n", max_tokens=40)
    body = [c for c in chunks if c.kind == "body"]
    assert len(body) > 2
    for c in body:
        assert c.text == clean.text[c.start : c.end] and count_tokens(c.text) <= 40
    assert " ".join(c.text for c in body).split() == clean.text.split()  # in order, none lost, none twice


# ------------------------------------------------------------------- overlap
@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_consecutive_chunks_share_exactly_the_configured_sentences(overlap):
    clean, chunks = _chunk(_letter_raw(), max_tokens=90, overlap=overlap)
    body = [c for c in chunks if c.kind == "body"]
    pairs = [(p, n) for p, n in zip(body, body[1:]) if p.section == n.section]
    shared_pairs = 0
    for prev, nxt in pairs:
        sents = _sentences_in(clean, prev)
        assert len(sents) > overlap, "windows must be longer than the overlap for this test to mean anything"
        if clean.text[prev.end : prev.end + 2] == "\n\n":
            # A window that ends a paragraph is not repeated: the next starts the next paragraph.
            rest = clean.text[prev.end :]
            assert nxt.start == prev.end + len(rest) - len(rest.lstrip())
            continue
        shared = [s for s in sents if nxt.start <= s[0]]
        assert len(shared) == overlap, (prev.chunk_id, nxt.chunk_id, [clean.text[a:b] for a, b in shared])
        if overlap:
            assert nxt.start == sents[-overlap][0]
        else:
            assert nxt.start > prev.end
        shared_pairs += 1
    assert shared_pairs >= 2  # the letter is long enough to be cut mid-paragraph


def test_a_well_filled_window_closes_at_the_paragraph_end():
    # The first paragraph fills about two thirds of the window; the next
    # would still fit a sentence, but the window closes where the paragraph does.
    first, second = " ".join(HAVEN[:3]), " ".join(ELDERS)
    clean, chunks = _chunk(" " + _wrap(first) + "\n\n" + _wrap(second) + "\n", max_tokens=100)
    assert 0.6 * 100 < count_tokens(first) < 100 - count_tokens(ELDERS[0])
    assert [c.text for c in chunks] == [first, second]


def test_no_chunk_is_only_a_repeat_of_the_previous_one():
    long_answer = ("De pilot loopt in drie gemeenten in de provincie Zeeland. "
                   "Elke gemeente heeft een eigen coördinator aangesteld. "
                   "De coördinatoren overleggen elke maand met de politie en het Openbaar Ministerie. "
                   "Daarnaast is er een meldpunt voor ondernemers geopend.")
    raw = (" 1. Kunt u toelichten hoe de pilot tegen ondermijning in Zeeland verloopt? Welke partijen doen mee?\n\n"
           + long_answer + "\n")
    clean, chunks = _chunk(raw, kind="beantwoording kamervragen", max_tokens=70)
    parts = [c for c in chunks if c.kind == "qa"]
    for prev, nxt in zip(parts, parts[1:]):
        assert nxt.end > prev.end, (prev.chunk_id, nxt.chunk_id, nxt.text)


# -------------------------------------------------------------- quotability
def test_only_content_sentences_are_quotable():
    clean, chunks = _chunk(_letter_raw(), max_tokens=60)
    not_answers = [(a, b) for a, b, _ in clean.furniture] + [(o, o + len(h)) for o, h in clean.headings]
    quotable = set()
    for c in chunks:
        for a, b in c.answer_spans:
            assert 0 <= a < b <= len(c.text), c.chunk_id
            assert c.text[a:b] == c.text[a:b].strip()
            if c.kind == "body":
                assert not _overlaps(c.start + a, c.start + b, not_answers), c.text[a:b]
            quotable.add(c.text[a:b])
    # The salutation, the heading, the caption and the signature never are.
    assert quotable == {INTRO, *HAVEN, *ELDERS}


# -------------------------------------------------------------- content hash
def test_content_hash_follows_the_embedded_text():
    _, before = _chunk(_letter_raw(), max_tokens=60)
    _, again = _chunk(_letter_raw(), max_tokens=60)
    assert [c.content_hash for c in before] == [c.content_hash for c in again]
    assert len({c.content_hash for c in before}) == len(before)

    # One word changed (same length, same tokens): only the chunks holding it get a new hash.
    edited = [s.replace("zeven partijen", "negen partijen") for s in HAVEN]
    _, after = _chunk(_letter_raw(edited), max_tokens=60)
    assert [(c.start, c.end) for c in after] == [(c.start, c.end) for c in before]
    changed = [a.chunk_id for a, b in zip(after, before) if a.content_hash != b.content_hash]
    assert changed == [a.chunk_id for a, b in zip(after, before) if a.text != b.text] and changed

    # The hash is of what is embedded, which includes the title.
    _, retitled = _chunk(_letter_raw(), max_tokens=60, title="Kleine zeehavens")
    assert all(a.content_hash != b.content_hash for a, b in zip(retitled, before))


# ----------------------------------------------------------------- Kamervragen
PILOT = [
    "De pilot loopt in drie gemeenten in de provincie Zeeland.",
    "Elke gemeente heeft een eigen coördinator.",
    "De coördinatoren overleggen elke maand met de politie.",
    "Daarnaast is er een meldpunt voor ondernemers geopend.",
    "Het meldpunt ontving in het eerste halfjaar ruim tweehonderd meldingen.",
    "Die meldingen gaan vooral over verdachte vastgoedtransacties.",
    "De evaluatie van de pilot verwacht ik in het najaar van 2026.",
]
# A question may state something before it asks: that statement is not an answer either.
Q2 = "2. De pilot in Zeeland is vorig jaar gestart. Kunt u toelichten hoe die pilot verloopt?"
KAMERVRAGEN = (
    " Antwoorden op vragen van het lid Jansen over ondermijning in Zeeland.\n\n"
    "1. Bent u bekend met het bericht over ondermijning in Zeeuwse dorpen?\n\n"
    "Ja, ik ben bekend met dat bericht over de dorpen.\n\n"
    f"{Q2}\n\n" + _wrap(" ".join(PILOT)) + "\n\n"
    "3. Welke maatregelen neemt u daarnaast? Op welke termijn?\n\n"
    "Ik neem naast de pilot de volgende twee maatregelen:\n\n"
    "1. Meer toezicht op de vakantieparken in de regio.\n\n"
    "2. Een extra officier van justitie voor de regio Zeeland.\n"
)


def test_a_kamervragen_letter_gives_one_unit_per_question():
    clean, chunks = _chunk(KAMERVRAGEN, kind="beantwoording kamervragen", max_tokens=80)
    qa = [c for c in chunks if c.kind == "qa"]
    # Question 2's answer is too long for one chunk; the list items "1." and "2."
    # in the answer to question 3 are not taken for questions.
    assert [c.question_no for c in qa if c.question_no != 2] == [1, 3]
    parts = [c for c in qa if c.question_no == 2]
    assert len(parts) > 1
    assert {c.kind for c in chunks if c.question_no is None} <= {"body", "footnote"}
    for c in qa:
        assert c.text.startswith(f"{c.question_no}. ") and c.section.startswith(f"Vraag {c.question_no}: ")
    whole = [c for c in qa if c.question_no != 2]
    for c in whole:
        assert c.text == clean.text[c.start : c.end] and count_tokens(c.text) <= 80
    for c in parts:  # each part: its question, a blank line, then verbatim answer text
        assert c.text == f"{Q2}\n\n{clean.text[c.start : c.end]}"
        assert count_tokens(c.text) <= 80  # the question is short, so the part stays within the limit
    covered = " ".join(clean.text[c.start : c.end] for c in parts)
    assert all(s in covered for s in PILOT)


def test_the_question_is_never_quotable_but_its_answer_is():
    _, chunks = _chunk(KAMERVRAGEN, kind="beantwoording kamervragen", max_tokens=80)
    for c in chunks:
        if c.kind != "qa":
            continue
        question_end = c.text.index("?\n\n") + 1
        quotes = [c.text[a:b] for a, b in c.answer_spans]
        assert all(a >= question_end for a, _ in c.answer_spans), (c.chunk_id, quotes)
        assert quotes, c.chunk_id
    quoted = {c.text[a:b] for c in chunks for a, b in c.answer_spans}
    assert {"Ja, ik ben bekend met dat bericht over de dorpen.", "1. Meer toezicht op de vakantieparken in de regio.",
            *PILOT} <= quoted
    assert not any(q.endswith("?") for q in quoted)


QUESTIONS_ONLY = ("Vragen van het lid Jansen (XYZ) aan de Minister van Infrastructuur over het bericht over de "
                  "fietspaden (ingezonden 3 mei 2024).\n\n"
                  "Vraag 1\n\nKent u het bericht «Gemeente legt veertig kilometer fietspad aan»?\n\n"
                  "Vraag 2\n\nKlopt het dat een op de vijf fietspaden in de provincie te smal is? Wat doet u daaraan?\n\n"
                  "Vraag 3\n\nWat is uw visie op de nieuwe fietspaden in de provincie?\n\n"
                  "Vraag 4\n\nBent u bereid de fietspaden te verbreden en daar dus 12 miljoen euro voor uit te trekken?\n")


def test_the_questions_of_a_page_nobody_answered_are_quotable_as_questions():
    # Written questions before their answers: what the members' questions
    # report is all the document says, so those are quoted (as questions), in
    # units of their own kind; a question that only asks is not.
    clean = clean_letter(QUESTIONS_ONLY, parse(QUESTIONS_ONLY).furniture_lines())  # the "Vraag N" labels
    chunks = chunk_letter(_letter("kamervragen", "Fietspaden"), clean, max_tokens=80, overlap_sentences=1,
                          count=count_tokens)
    units = {c.question_no: c for c in chunks if c.question_no}
    assert sorted(units) == [1, 2, 3, 4] and {c.kind for c in units.values()} == {"question"}
    quoted = {c.text[a:b] for c in chunks for a, b in c.answer_spans}
    assert "Klopt het dat een op de vijf fietspaden in de provincie te smal is?" in quoted
    assert "Kent u het bericht «Gemeente legt veertig kilometer fietspad aan»?" in quoted
    assert "Wat doet u daaraan?" not in quoted  # too short to say anything
    assert "Wat is uw visie op de nieuwe fietspaden in de provincie?" not in quoted  # only asks
    # a sum the member puts to the minister is what the question states
    assert "Bent u bereid de fietspaden te verbreden en daar dus 12 miljoen euro voor uit te trekken?" in quoted
    assert not any(q.startswith("Vraag") for q in quoted)


def test_a_numbered_list_in_an_answer_does_not_start_a_question():
    raw = (" Antwoorden op vragen over de haven.\n\n"
           "1. Welke maatregelen neemt u in de haven?\n\n"
           "Ik neem twee maatregelen:\n\n"
           "1. Meer toezicht op de kade.\n\n"
           "2. Een extra scanner bij de poort.\n\n"
           "2. Wanneer start de eerste maatregel?\n\n"
           "De eerste maatregel start in maart.\n")
    _, chunks = _chunk(raw, kind="beantwoording kamervragen")
    units = {c.question_no: c.text for c in chunks if c.kind == "qa"}
    assert units[1].endswith("2. Een extra scanner bij de poort.")
    assert units[2].startswith("2. Wanneer start de eerste maatregel?")


@pytest.mark.parametrize("reference", [
    "Kamerstuk 31 234, nr. 56.",
    "Kamerstukken II 2030/31, 31 234, nr. 56.",
    "Handelingen II 2030/31, nr. 12, item 4.",
    "Zie ook Kamerstuk 31 234, nrs. 56 en 57.",
    "Ter inzage gelegd bij het Centraal Informatiepunt Tweede Kamer.",
])
def test_a_sentence_that_is_only_a_reference_is_never_quoted(reference):
    from rag.ingest.chunk import answer_spans
    claim = "Kamerstuk 31 234, nr. 56 beschrijft de aanpak van fietsdiefstal in Zwolle."
    text = f"De gemeente telde 40 gestolen fietsen. {reference} {claim}"
    quoted = [text[a:b] for a, b in answer_spans(text, [])]
    assert reference not in quoted
    assert "De gemeente telde 40 gestolen fietsen." in quoted and claim in quoted
