"""The briefing note as an advisor edits and exports it (rag.app.note,
rag.app.render): editing keeps markers and references valid, references
leave out what a letter does not state, one source card per passage, and a
Word file fit for a ministry (read back with python-docx)."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from rag.app import note as N
from rag.app import render as R
from rag.errors import InputError
from rag.records import Citation, Letter, Status


def _cit(n: int, quote: str, chunk_id: str = "a:001", page: int = 3, **kw) -> Citation:
    base = dict(letter_id=chunk_id.split(":")[0], title="Brief A", kamerstuk="12 345, nr. 6", date="2026-03-02")
    return Citation(n=n, chunk_id=chunk_id, page=page, quote=quote, **{**base, **kw})


def _note() -> list[N.NoteItem]:
    one = N.NoteItem(question="Hoeveel stallingen?", answer="Drie stallingen. [1] Ze openen in 2027. [2]",
                     citations=(_cit(1, "Drie stallingen."), _cit(2, "Ze openen in 2027.")), msgid="m2")
    two = N.NoteItem(question="En de kosten?", answer="Twaalf miljoen euro. [1] Drie stallingen. [2]",
                     citations=(_cit(1, "Twaalf miljoen euro.", "b:004", letter_id="b", title="Brief B"),
                                _cit(2, "Drie stallingen.")), msgid="m4")
    return [one, two]


def test_an_edit_keeps_markers_valid_in_the_items_own_numbers():
    items = _note()
    num = N.number_note(items)
    assert num.texts[1] == "Twaalf miljoen euro. [3] Drie stallingen. [1]"
    edited, unknown = N.edit_item(items[1], "Volgens de brief kost het twaalf miljoen euro [3]. Er komen drie "
                                            "stallingen [1].", num.item_maps[1])
    assert unknown == [] and edited.edited
    assert edited.answer == "Volgens de brief kost het twaalf miljoen euro [1]. Er komen drie stallingen [2]."
    assert edited.citations == items[1].citations
    # In the note the edited item renumbers like any other, also after reordering.
    assert N.number_note([items[0], edited]).texts[1] == ("Volgens de brief kost het twaalf miljoen euro [3]. "
                                                          "Er komen drie stallingen [1].")
    assert N.number_note([edited, items[0]]).texts[0] == ("Volgens de brief kost het twaalf miljoen euro [1]. "
                                                          "Er komen drie stallingen [2].")


def test_a_removed_marker_drops_its_reference_and_a_stray_one_is_reported():
    items = _note()
    num = N.number_note(items)
    edited, unknown = N.edit_item(items[1], "Het kost twaalf miljoen euro [3], zie ook [7].", num.item_maps[1])
    assert unknown == [7]
    assert edited.answer == "Het kost twaalf miljoen euro [1], zie ook."
    assert [c.quote for c in edited.citations] == ["Twaalf miljoen euro."]
    renumbered = N.number_note([items[0], edited])
    assert [c.quote for c in renumbered.references] == ["Drie stallingen.", "Ze openen in 2027.",
                                                        "Twaalf miljoen euro."]


def test_a_partial_answer_keeps_its_label_and_context_when_edited():
    partial = N.NoteItem(question="Waar komen de stallingen?", answer="De brieven noemen stallingen, maar geen plaats.",
                         citations=(_cit(1, "Drie stallingen."),), status=Status.PARTIAL, msgid="m6")
    num = N.number_note([partial])
    edited, _ = N.edit_item(partial, "De brief noemt drie stallingen, niet waar.", num.item_maps[0])
    assert edited.status == Status.PARTIAL and edited.citations == partial.citations  # never marked: context stays
    text = N.note_answer(edited, N.number_note([edited]).texts[0], [1])
    assert text.startswith(f"*{Status.PARTIAL.label}:*") and "(context: [1])" in text


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (N.MAX_EDIT_CHARS + 1)])
def test_an_empty_or_huge_edit_is_refused(text):
    item = _note()[0]
    with pytest.raises(InputError):
        N.edit_item(item, text, {1: 1, 2: 2})


def test_a_note_item_survives_its_stored_form():
    item = N.edit_item(_note()[0], "Drie stallingen [1].", {1: 1, 2: 2})[0]
    again = N.NoteItem.from_record(item.to_record())
    assert again == item and again.edited and isinstance(again.citations, tuple)


def test_references_leave_out_what_a_letter_does_not_state_and_mark_removed_letters():
    bare = _cit(1, "Een zin.", kamerstuk="", date="")
    assert R.reference_text(bare) == "Brief A, p. 3: “Een zin.”"
    assert R.source_text("Brief A", "", "") == "Brief A"
    assert "onbekend" not in R.source_card_html([bare], "Een zin.", "m1")
    assert "Kamerstuk 12 345, nr. 6, 2 maart 2026, p. 3" in R.reference_text(_cit(1, "Een zin."))
    md = N.note_markdown("Notitie", "", _note(), present={"a"})
    assert f"Twaalf miljoen euro.” ({R.LETTER_GONE})" in md and f"Drie stallingen.” ({R.LETTER_GONE})" not in md


def test_one_card_per_passage_with_every_quote_marked_and_a_page_link():
    text = "Aanloop. Drie stallingen. Tussenzin. Ze openen in 2027. Slot."
    cites = [_cit(1, "Drie stallingen."), _cit(3, "Ze openen in 2027."), _cit(2, "Ander.", "c:002")]
    groups = R.cards_by_passage(cites)
    assert [[c.n for c in g] for g in groups] == [[1, 3], [2]]
    card = R.source_card_html(groups[0], text, "m5", href="?brief=a&pagina=3")
    assert card.count("<mark>") == 2 and "<mark>Drie stallingen.</mark>" in card
    assert 'id="bron-m5-1"' in card and 'id="bron-m5-3"' in card  # both markers land on this card
    assert '<a href="?brief=a&amp;pagina=3" target="_blank"' in card and "[1][3]" in card


def test_letter_list_finds_text_hits_and_keeps_a_just_added_letter_first():
    letters = [Letter(letter_id=f"l{i}", title=f"Brief {i}", kind="kamerbrief", file=f"l{i}.txt", sha256=str(i),
                      date=f"2024-01-{i + 10}") for i in range(5)]
    page = R.letter_page(letters, "stalling", in_text=["l3"])
    assert [x.letter_id for x in page.letters] == ["l3"]
    page = R.letter_page(letters, "stalling", pinned=["l1"], in_text=["l3"])
    assert [x.letter_id for x in page.letters] == ["l1", "l3"]
    assert R.letter_label(Letter(letter_id="x", title="Voortgangsbrief", kind="kamerbrief", file="x.txt",
                                 sha256="1", kamerstuk="29 911, nr. 4")) == "Voortgangsbrief (29 911, nr. 4)"


def test_the_word_export_is_a4_dutch_titled_and_dated():
    from docx import Document
    from docx.oxml.ns import qn

    when = datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)
    doc = Document(io.BytesIO(N.note_docx("Notitie fietsparkeren", "", _note(), now=when)))
    props = doc.core_properties
    assert props.title == "Notitie fietsparkeren" and props.language == "nl-NL"
    assert props.author == "" and "python-docx" not in (props.last_modified_by or "")
    assert props.created == when and props.modified == when
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nl-NL"


def test_answer_times_and_update_times_read_in_dutch():
    assert R.seconds_label(0.347) == "0,35 s" and R.seconds_label(2.44) == "2,4 s"
    assert R.dutch_datetime("2026-12-07T12:05:00+00:00") == "7 december 2026 13:05"


def test_a_letter_page_opened_from_a_card_marks_the_quote():
    page = "Eerste alinea.\nDrie  stallingen\nkomen er. Slot <b>."
    html = R.letter_page_html(page, ["Drie stallingen komen er."])
    assert "<mark>Drie  stallingen<br>komen er.</mark>" in html and "&lt;b&gt;" in html
    assert "<mark>" not in R.letter_page_html(page, ["Een zin van een andere pagina."])
    assert R.letter_page_html(page) == R.letter_page_html(page, [""])
