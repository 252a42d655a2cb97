"""The Streamlit app (streamlit_app.py) through Streamlit's AppTest, and the
pure helpers behind it (rag/app/render.py, rag/app/note.py, rag/app/session.py).

AppTest runs the script in this process: the Pipeline is loaded once per
corpus/index configuration (st.cache_resource) and shared by the tests.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.app import session as H
from rag.app import note as N
from rag.app import render as R
from rag.app import notebooks as NB
from rag import texts as T
from rag.errors import InputError, LLMError
from rag.records import Answer, Chunk, Citation, Passage, Status

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 240  # the first run loads the embedder and index
COCAINE = "Welke landen produceren de cocaïne die naar Europa komt?"
REFUSED = "Wie is de burgemeester van Amsterdam?"

CARD = re.compile(r'<div class="rag-card[^"]*" id="([^"]+)">.*?<div class="rag-card-title">(.*?)</div>', re.S)


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _submit(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Toevoegen en indexeren").click().run()


def _cards(at: AppTest) -> list[tuple[str, str]]:
    return CARD.findall(_html(at))


@pytest.fixture(scope="module")
def chat():
    """One conversation: a question and a follow-up."""
    at = _app()
    _ask(at, COCAINE)
    return at


# ------------------------------------------------------------------ app
@pytest.mark.model
def test_answer_has_markers_linked_to_source_cards(chat):
    html = _html(chat)
    assert "Colombia" in html
    links = set(re.findall(r'<a class="rag-cite" href="#(bron-m2-\d+)"', html))
    anchors = set(re.findall(r'id="(bron-m2-\d+)"', html))  # a card's id, or a marker's anchor in it
    assert links and links <= anchors, (links, anchors)
    # One card per quoted passage: no two cards show the same page of the same letter's passage.
    assert len(_cards(chat)) <= len(links)
    assert "<mark>" in html and "Kamerstuk 29 911, nr. 355" in html and "p. 2" in html
    assert not chat.error
    assert [b.label for b in chat.button if b.key == "add-m2"] == ["Toevoegen aan notitie"]
    # the single answer as Markdown with its references, in an st.code (copy button)
    code = [c.value for c in chat.code]
    assert code and "**Referenties**" in code[0] and "[1] Toekomstagenda" in code[0]


@pytest.mark.model
def test_follow_up_uses_the_conversation(chat):
    _ask(chat, "En welke transitlanden worden genoemd?")
    captions = [c.value for c in chat.caption]
    assert any(c.startswith("Gezocht als:") and "cocaïne" in c for c in captions), captions
    assert any(cid.startswith("bron-m4-") for cid, _ in _cards(chat))


@pytest.mark.model
def test_note_collects_answers_and_offers_downloads(chat):
    chat.button(key="add-m2").click().run()
    assert [b.label for b in chat.button if b.key == "add-m2"] == ["In notitie ✓"]
    chat.segmented_control(key="view").set_value("Notitie").run()
    assert not chat.exception
    assert {d.label for d in chat.download_button} == {"Download Markdown", "Download Word (DOCX)"}
    md = chat.code[0].value
    assert md.startswith("# Briefingnotitie") and "## Referenties" in md and "## Bronnen" in md
    assert f"## 1. {COCAINE}" in md
    chat.segmented_control(key="view").set_value("Gesprek").run()


@pytest.mark.model
def test_refusal_offers_closest_passages():
    at = _app()
    _ask(at, REFUSED)
    html = _html(at)
    assert '<div class="rag-refusal">Dat staat niet in deze brieven.</div>' in html
    assert "rag-card-plain" in html  # closest passages for the user to judge
    assert 'class="rag-cite"' not in html


@pytest.mark.model
def test_partial_answer_is_shown_apart_and_stays_labelled_in_the_note():
    at = _app()
    _ask(at, "Hoeveel geld krijgt Preventie met Gezag in 2031?")
    html = _html(at)
    assert 'class="rag-partial"' in html and "Gedeeltelijk antwoord" in html
    assert "Context uit de brieven" in html and 'class="rag-cite"' not in html
    at.button(key="add-m2").click().run()
    at.segmented_control(key="view").set_value("Notitie").run()
    md = at.code[0].value
    assert "*Gedeeltelijk antwoord:* De brieven noemen" in md and "(context: [1]" in md


@pytest.mark.model
def test_a_new_question_is_not_searched_with_the_previous_one(chat):
    _ask(chat, "Wat is het doel van het programma dat jongeren uit de criminaliteit moet houden?")
    last = [c.value for c in chat.caption if c.value.startswith("Gezocht als:")]
    assert not any("doel van het programma" in c for c in last), last


@pytest.mark.model
def test_letter_filter_restricts_sources():
    at = _app()
    at.multiselect(key="f_letters").set_value(["kamervragen-2022"]).run()
    _ask(at, COCAINE)
    titles = {title for _, title in _cards(at)}
    assert titles == {"Beantwoording Kamervragen Van der Werf en Sneller over de internationale aanpak van "
                      "georganiseerde drugscriminaliteit"}, titles


KAMERVRAGEN = ("Beantwoording Kamervragen Van der Werf en Sneller over de internationale aanpak van "
               "georganiseerde drugscriminaliteit")


@pytest.mark.model
def test_date_filter_says_in_the_answer_how_many_undated_letters_it_left_out():
    at = _app()
    at.toggle(key="f_use_dates").set_value(True).run()
    assert any("brieven zonder datum (4 van 5)" in c.value for c in at.sidebar.caption)
    keep = at.checkbox(key="f_keep_undated")
    assert keep.label == "Ook brieven zonder datum" and keep.value is False
    _ask(at, COCAINE)
    answer = at.chat_message[-1]
    assert [w.value for w in answer.warning] == ["Het datumfilter liet 4 brieven zonder datum buiten beschouwing."]
    assert {title for _, title in _cards(at)} == {KAMERVRAGEN}  # the one dated letter
    # Kept: the undated letters are searched again and nothing is said to be left out.
    at.checkbox(key="f_keep_undated").check().run()
    assert not any("brieven zonder datum (4 van 5)" in c.value for c in at.sidebar.caption)
    _ask(at, COCAINE)
    assert not at.chat_message[-1].warning
    assert {title for _, title in _cards(at)} - {KAMERVRAGEN}


@pytest.mark.model
def test_dossier_and_type_filters_offer_the_values_the_letters_state():
    at = _app()
    assert list(at.multiselect(key="f_dossiers").options) == ["29 911"]
    assert sorted(at.multiselect(key="f_kinds").options) == ["beantwoording kamervragen", "kamerbrief"]
    at.multiselect(key="f_dossiers").set_value(["29 911"]).run()
    at.multiselect(key="f_kinds").set_value(["kamerbrief"]).run()
    _ask(at, COCAINE)
    titles = {title for _, title in _cards(at)}
    assert titles and titles <= {"Toekomstagenda internationaal offensief tegen georganiseerde criminaliteit",
                                 "Voortgangsbrief aanpak georganiseerde, ondermijnende criminaliteit (2023)"}, titles
    assert [w.value for w in at.chat_message[-1].warning] == \
        ["Het filter op dossier en soort liet 3 van de 5 brieven buiten beschouwing."]


@pytest.mark.model
def test_the_letters_view_shows_what_each_letter_states():
    at = _app()
    at.segmented_control(key="view").set_value("Brieven").run()
    assert not at.exception
    table = at.table[0].value
    assert list(table.columns) == ["Titel", "Kamerstuk", "Dossier", "Soort", "Datum", "Afzender", "Toelichting"]
    row = table[table["Titel"].str.startswith("Toekomstagenda")].iloc[0]
    assert (row["Kamerstuk"], row["Dossier"], row["Soort"]) == ("29 911, nr. 355", "29 911", "kamerbrief")
    assert not table.isin(["—", "onbekend", "datum onbekend"]).any().any()


@pytest.mark.model
@pytest.mark.parametrize("question,expected", [
    ("   ?  ", "De vraag"),
    ("waarom " * 400, "De vraag is te lang"),
])
def test_bad_questions_get_a_clear_message(question, expected):
    at = _app()
    _ask(at, question)
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith(expected), errors
    assert "Traceback" not in errors[0]


@pytest.mark.model
def test_unexpected_error_shows_short_message(monkeypatch):
    from rag.pipeline import Pipeline

    def broken(self, *a, **kw):
        raise KeyError("intern")

    at = _app()
    monkeypatch.setattr(Pipeline, "ask", broken)
    _ask(at, COCAINE)
    errors = [e.value for e in at.error]
    assert errors == ["Er ging iets mis: KeyError. Probeer het opnieuw of start een nieuw gesprek; "
                      "de details staan in het serverlog."], errors
    assert not at.exception


@pytest.mark.model
def test_a_notebook_store_that_cannot_be_written_loses_nothing_in_the_window(monkeypatch, tmp_path):
    damaged = tmp_path / "notebooks.sqlite3"
    damaged.write_bytes(b"geen database " * 100)
    monkeypatch.setenv("RAG_NOTEBOOKS", str(damaged))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _ask(at, COCAINE)
    assert "Colombia" in _html(at)  # the answer is there all the same
    next(b for b in at.button if b.key == "add-m2").click().run()
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("Niet opgeslagen: De notities konden niet") and str(damaged) in w for w in warnings), \
        warnings
    assert at.session_state.note and not at.exception  # the note item stays in the window
    assert damaged.read_bytes() == b"geen database " * 100


@pytest.mark.model
def test_a_notebook_reopens_from_its_url_in_a_new_session(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_NOTEBOOKS", str(tmp_path / "nb.sqlite3"))
    first = AppTest.from_file(APP, default_timeout=TIMEOUT)
    first.run()
    _ask(first, COCAINE)
    next(b for b in first.button if b.key == "add-m2").click().run()
    ws, nb = first.query_params["ws"], first.query_params["nb"]
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params.update(ws=ws, nb=nb)
    again.run()
    assert [m["id"] for m in again.session_state.messages] == ["m1", "m2"]
    assert [i.msgid for i in again.session_state.note] == ["m2"]
    assert "Colombia" in _html(again)  # the answer and its cards are drawn again
    stranger = AppTest.from_file(APP, default_timeout=TIMEOUT)
    stranger.query_params.update(ws=NB.new_id(), nb=nb)  # the notebook id without its workspace
    stranger.run()
    assert stranger.session_state.messages == [] and stranger.session_state.note == []


@pytest.mark.model
def test_an_old_note_whose_letter_left_the_corpus_still_opens_with_that_reference_marked(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_NOTEBOOKS", str(tmp_path / "nb.sqlite3"))
    ws, nb = NB.new_id(), NB.new_id()
    gone = _cit(1, "Een zin uit een verwijderde brief.", chunk_id="verwijderd:001", letter_id="verwijderd")
    item = N.NoteItem(question="Vraag over een oude brief?", answer="Een zin uit een verwijderde brief. [1]",
                      citations=(gone,), msgid="m2")
    NB.NotebookStore(tmp_path / "nb.sqlite3").save_note(ws, nb, [item.to_record()], title="Oude notitie")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(ws=ws, nb=nb)
    at.run()
    at.segmented_control(key="view").set_value("Notitie").run()
    assert not at.exception and not at.error
    assert f"verwijderde brief.” ({R.LETTER_GONE})" in _html(at)


@pytest.mark.model
def test_a_sessions_llm_server_is_read_without_the_spaces_around_its_fields():
    server = H.LLMServer("  http://127.0.0.1:9/v1 ", " model-x\n", " ")
    assert server == H.LLMServer("http://127.0.0.1:9/v1", "model-x", "")  # one server, checked once
    assert server.changes() == {"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "model-x", "llm_api_key": ""}


def test_unreachable_llm_server_is_reported():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    at = _app()
    at.radio(key="f_gen").set_value("openai").run()
    at.text_input(key="f_base_url").set_value(f"http://127.0.0.1:{port}/v1").run()
    at.text_input(key="f_model").set_value("test-model").run()
    _ask(at, COCAINE)
    errors = [e.value for e in at.error]
    assert errors and f"127.0.0.1:{port}" in errors[0], errors
    assert not at.exception


@pytest.mark.model
def test_llm_answer_is_streamed_and_cited():
    """The OpenAI-compatible path against a local fake server: the answer is
    streamed (on_delta) and its markers become links to source cards."""
    from tests.support.fake_openai_server import FakeOpenAIServer

    reply = "De cocaïne wordt geproduceerd in Colombia, Bolivia en Peru [1]."
    with FakeOpenAIServer(reply=reply) as srv:
        at = _app()
        at.radio(key="f_gen").set_value("openai").run()
        at.text_input(key="f_base_url").set_value(srv.base_url).run()
        at.text_input(key="f_model").set_value("fake-model").run()
        at.button(key="f_check").click().run()
        assert [x.value for x in at.success] == ["Server bereikbaar."]
        _ask(at, COCAINE)
        assert not at.error, [e.value for e in at.error]
        html = _html(at)
        assert "Colombia, Bolivia en Peru" in html
        assert '<a class="rag-cite" href="#bron-m2-1"' in html and 'id="bron-m2-1"' in html
        assert srv.chat_requests and srv.chat_requests[-1].body.get("stream") is True
        assert "OpenAI-compatibel" in " ".join(c.value for c in at.caption)


@pytest.mark.model
def test_letters_view_reads_pages():
    at = _app()
    at.segmented_control(key="view").set_value("Brieven").run()
    assert not at.exception
    assert len(at.table) == 1
    assert any(e.label == "Pagina 1" for e in at.expander)
    assert "rag-page" in _html(at)


@pytest.mark.model
def test_upload_makes_a_letter_searchable(tmp_path, monkeypatch, settings):
    """Upload in the Brieven view -> ingest into a copy of corpus and index."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    at = _app()
    at.segmented_control(key="view").set_value("Brieven").run()
    letter = (
        " Geachte voorzitter,\n\nHierbij informeer ik uw Kamer over het nieuwe programma Zeehavenveiligheid "
        "Vlissingen. Het programma start op 1 maart 2026 en kost 12 miljoen euro per jaar.\n"
    )
    at.file_uploader(key="upload_file").set_value(("zeehaven.txt", letter.encode(), "text/plain"))
    at.text_input(key="upload_title").set_value("Zeehavenveiligheid Vlissingen")
    _submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Zeehavenveiligheid Vlissingen" in s.value for s in at.success)
    assert (tmp_path / "corpus" / "zeehavenveiligheid-vlissingen.txt").is_file()

    at.segmented_control(key="view").set_value("Gesprek").run()
    _ask(at, "Wanneer start het programma Zeehavenveiligheid Vlissingen?")
    assert "1 maart 2026" in _html(at)
    assert "Zeehavenveiligheid Vlissingen" in {t for _, t in _cards(at)}

    # A file that cannot be read: the error is shown, the corpus stays as it was.
    at.segmented_control(key="view").set_value("Brieven").run()
    at.file_uploader(key="upload_file").set_value(("kapot.pdf", b"%PDF-1.4 kapot", "application/pdf"))
    _submit(at)
    assert not at.exception
    assert at.error and "Traceback" not in at.error[0].value
    assert len(list((tmp_path / "corpus").glob("*.json"))) == 6


# ------------------------------------------------------------- helpers
def _cit(n, quote, chunk_id="a:001", letter_id="a", title="Brief A", kamerstuk="29 911, nr. 1",
         date="2022-11-10", page=3):
    return Citation(n=n, chunk_id=chunk_id, letter_id=letter_id, title=title, kamerstuk=kamerstuk,
                    date=date, page=page, quote=quote)


def _items():
    a1 = N.NoteItem(question="Vraag een?", answer="Eerste zin. [1] Tweede zin. [2]",
                    citations=(_cit(1, "Eerste zin."), _cit(2, "Tweede zin.", chunk_id="b:004", letter_id="b",
                                                                    title="Brief B", kamerstuk="", date="", page=7)),
                    msgid="m2")
    a2 = N.NoteItem(question="En vraag twee?", answer="Derde zin. [1] Eerste zin. [2]",
                    citations=(_cit(1, "Derde zin.", chunk_id="a:009", page=5), _cit(2, "Eerste zin.")),
                    standalone_question="Vraag een? En vraag twee?", msgid="m4")
    refused = N.NoteItem(question="Wie is de burgemeester?", answer=T.REFUSAL, status=Status.NOT_FOUND, msgid="m6")
    return [a1, a2, refused]


def test_number_note_renumbers_across_the_note():
    num = N.number_note(_items())
    assert num.texts[0] == "Eerste zin. [1] Tweede zin. [2]"
    assert num.texts[1] == "Derde zin. [3] Eerste zin. [1]"  # the same quote keeps its number
    assert [c.n for c in num.references] == [1, 2, 3]
    assert [c.quote for c in num.references] == ["Eerste zin.", "Tweede zin.", "Derde zin."]
    assert num.sources == [("Brief A", "29 911, nr. 1", "2022-11-10"), ("Brief B", "", "")]


def test_note_markdown():
    md = N.note_markdown("Notitie over X", "Korte inleiding.", _items())
    assert md.startswith("# Notitie over X\n\nKorte inleiding.\n")
    assert "## 2. En vraag twee?" in md and "*Gezocht als: Vraag een? En vraag twee?*" in md
    assert "Derde zin. [3] Eerste zin. [1]" in md
    assert "[1] Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022, p. 3: “Eerste zin.”" in md
    assert "[2] Brief B, p. 7: “Tweede zin.”" in md
    assert "## 3. Wie is de burgemeester?\n\nDat staat niet in deze brieven." in md
    assert "- Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022" in md.split("## Bronnen")[1]


def test_note_docx_opens_with_numbered_references():
    from docx import Document

    doc = Document(io.BytesIO(N.note_docx("Notitie over X", "Korte inleiding.", _items())))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "Notitie over X" and "Korte inleiding." in paras
    assert "2. En vraag twee?" in paras and "Derde zin. [3] Eerste zin. [1]" in paras
    refs = paras[paras.index("Referenties") + 1 : paras.index("Bronnen")]
    assert refs == [
        "[1] Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022, p. 3: “Eerste zin.”",
        "[2] Brief B, p. 7: “Tweede zin.”",
        "[3] Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022, p. 5: “Derde zin.”",
    ]
    assert paras[paras.index("Bronnen") + 1 :] == ["Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022",
                                                   "Brief B"]


def test_answer_markdown_for_copying():
    md = N.answer_markdown(_items()[1])
    assert md.startswith("**Vraag:** En vraag twee?")
    assert "Derde zin. [1] Eerste zin. [2]" in md  # numbered within the answer
    assert "[1] Brief A, Kamerstuk 29 911, nr. 1, 10 november 2022, p. 5: “Derde zin.”" in md


def test_rendering_escapes_letter_text_and_links_markers():
    html = R.answer_html("Een <script>x</script> & $5 [1] en [7].", "m3", {1})
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html and "$" not in html
    assert '<a class="rag-cite" href="#bron-m3-1" title="Naar bron 1">[1]</a>' in html
    assert html.endswith("en [7].")  # no card, no link

    chunk = "Inleiding <b>vet</b>.\nDe  landen zijn\nColombia en Peru. Slot."
    card = R.source_card_html([_cit(2, "De landen zijn Colombia en Peru.")], chunk, "m3")
    assert card.startswith('<div class="rag-card" id="bron-m3-2">')
    assert "<mark>De  landen zijn<br>Colombia en Peru.</mark>" in card
    assert "&lt;b&gt;vet&lt;/b&gt;" in card and "<b>" not in card
    assert "\n" not in card  # one HTML block for markdown


def test_a_card_cuts_a_long_passage_around_its_quote_and_reveals_sentence_by_sentence():
    text = "a " * 400 + "Het citaat staat hier. " + "b " * 400
    card = R.source_card_html([_cit(1, "Het citaat staat hier.")], text, "m1")
    body = card.split('<div class="rag-card-text">', 1)[1]
    assert body.startswith("… a ") and body.endswith(" …</div></div>")
    assert "<mark>Het citaat staat hier.</mark>" in body and len(body) < 2 * R.CARD_CONTEXT + 100
    assert R.reveal_steps("Zin een. [1] Zin twee. [2][3] Drie.") == [
        "Zin een. [1]", "Zin een. [1] Zin twee. [2][3]", "Zin een. [1] Zin twee. [2][3] Drie."]


def test_conversation_glue():
    ans = Answer(question="En hoeveel?", answer="Tien. [1]", abstained=False,
                 standalone_question="Hoeveel meldingen? En hoeveel?")
    refused = Answer(question="Wie?", answer=T.REFUSAL, abstained=True)
    msgs = [{"role": "user", "content": "En hoeveel?"}, {"role": "assistant", "id": "m2", "answer": ans},
            {"role": "assistant", "id": "m3", "error": "kapot"}, {"role": "assistant", "id": "m4", "answer": refused}]
    assert H.history_pairs(msgs) == [("Hoeveel meldingen? En hoeveel?", "Tien. [1]"), ("Wie?", "")]
    assert R.shown_standalone(ans) == "Hoeveel meldingen? En hoeveel?"
    assert R.shown_standalone(Answer(question="X?", answer="", abstained=True, standalone_question="x?")) is None


def test_error_messages_never_show_tracebacks():
    assert H.error_message(InputError("De vraag is leeg.", "Typ een vraag.")) == "De vraag is leeg.\n\nTyp een vraag."
    assert H.error_message(LLMError("Server onbereikbaar")) == "Server onbereikbaar"
    msg = H.error_message(KeyError("x"))
    assert msg.startswith("Er ging iets mis: KeyError. Probeer het opnieuw")


def test_passage_card_for_refusals():
    chunk = Chunk(chunk_id="a:1", letter_id="a", title="Brief <A>", date="", kamerstuk="", pages=(4,),
                  section="", start=0, end=10, text="Tekst & meer")
    card = R.passage_card_html(Passage(chunk, 1, 0.5), "m9")
    assert "Brief &lt;A&gt;" in card and "Tekst &amp; meer" in card and "p. 4" in card


def test_a_quote_spanning_pages_is_shown_with_both_pages():
    c = Citation(n=1, chunk_id="b:1", letter_id="b", title="Brief", kamerstuk="29 911, nr. 1", date="2024-03-05",
                 page=2, quote="Een zin over twee pagina's.", page_end=3)
    assert "p. 2–3" in R.reference_text(c) and "p. 2–3" in R.source_card_html([c], c.quote, "m1")
    one = Citation(**{**c.to_dict(), "page_end": 0})
    assert "p. 2:" in R.reference_text(one)


def _letter(i: int, date: str = "", title: str = "", minister: str = ""):
    from rag.records import Letter

    return Letter(letter_id=f"brief-{i}", title=title or f"Voortgangsbrief {i}", kind="kamerbrief",
                  file=f"brief-{i}.txt", sha256=str(i), date=date, minister=minister)


def test_the_letter_list_searches_sorts_and_pages_hundreds_of_letters():
    letters = [_letter(i, date=f"20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 10}" if i % 7 else "") for i in range(300)]
    letters.append(_letter(999, "2024-03-05", "Aanpak ondermijning in de Rotterdamse haven", "D. Yeşilgöz"))
    first = R.letter_page(letters, per_page=25)
    assert (first.matches, first.pages, len(first.letters)) == (301, 13, 25)
    dates = [x.date for x in first.letters]
    assert dates == sorted(dates, reverse=True) and all(dates)  # newest first, undated last
    last = R.letter_page(letters, page=99, per_page=25)
    assert last.page == 13 and all(not x.date for x in last.letters[-1:])
    oldest = R.letter_page(letters, sort="oudste eerst").letters[0].date
    assert oldest == min(x.date for x in letters if x.date)
    # words in any order, diacritics and case ignored, over title, minister and date
    hit = R.letter_page(letters, "rotterdamse YESILGOZ maart")
    assert [x.letter_id for x in hit.letters] == ["brief-999"] and hit.pages == 1
    assert R.letter_page(letters, "niets-dat-bestaat").matches == 0
