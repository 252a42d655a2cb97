"""Ingest: adding letters (text and PDF here; web pages and Word files in
test_formats.py) to a corpus and the index, and
bad files that must be refused without touching anything."""
from __future__ import annotations

import shutil

import pytest

from rag.ingest.corpus import add_letter, extract_text, load_letters
from rag.errors import InputError
from tests.support.fakes import make_pdf

LETTER = (
    " Geachte voorzitter,\n\nHierbij informeer ik uw Kamer over het nieuwe programma Zeehavenveiligheid "
    "Vlissingen. Het programma start op 1 maart 2026 en kost 12 miljoen euro per jaar. Het richt zich op "
    "de inzet van scanners en op de screening van havenpersoneel. De burgemeester van Vlissingen is "
    "betrokken bij de uitvoering.\n\nDe Minister van Justitie en Veiligheid,\nX. Voorbeeld\n"
)


@pytest.fixture()
def corpus_settings(tmp_path, settings):
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    return settings.replace(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def test_add_txt_letter(tmp_path, corpus_settings):
    f = tmp_path / "Brief Zeehaven.txt"
    f.write_text(LETTER, encoding="utf-8")
    letter = add_letter(f, corpus_settings, title="Zeehavenveiligheid Vlissingen", date="2026-02-01")
    assert letter.letter_id == "zeehavenveiligheid-vlissingen"
    ids = [x.letter_id for x in load_letters(corpus_settings)]
    assert len(ids) == 6 and letter.letter_id in ids
    assert add_letter(f, corpus_settings) == letter  # same text twice: nothing new


def test_two_documents_with_one_subject_are_told_apart_by_their_kamerstuk(tmp_path, corpus_settings):
    header = ("{dossier} Cybercrime\n\nNr. {nr} BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID\n\n"
              "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\nDen Haag, {date}\n\n"
              "Onderwerp: Voortgang aanpak cybercrime\n\nHierbij informeer ik uw Kamer over de voortgang van {body}.\n")
    titles = []
    for i, (nr, date) in enumerate([("12", "3 juni 2019"), ("40", "27 juni 2025")]):
        f = tmp_path / f"brief{i}.txt"
        f.write_text(header.format(dossier="28 684", nr=nr, date=date, body=f"de aanpak in jaar {i}"), encoding="utf-8")
        titles.append(add_letter(f, corpus_settings).title)
    assert titles[0] == "Voortgang aanpak cybercrime"
    assert titles[1] == "Voortgang aanpak cybercrime (Kamerstuk 28 684, nr. 40, 27 juni 2025)"


def test_pdf_text_is_extracted_with_page_convention(tmp_path):
    f = tmp_path / "brief.pdf"
    f.write_bytes(make_pdf(LETTER.replace("\n", " ")))
    text = extract_text(f)
    assert text.startswith(" ") and "Vlissingen" in text
    assert not any(line.startswith(" ") for line in text.splitlines()[1:])  # one page, one page start


def test_unreadable_pdfs_say_why_without_a_traceback(tmp_path):
    ok = make_pdf(LETTER.replace("\n", " "))
    # An /Encrypt entry with a broken dictionary, and a page tree pointing nowhere.
    encrypted = ok.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 9 /R 9 >> /ID [<00><00>] >>")
    dangling = ok.replace(b"/Kids [3 0 R]", b"/Kids [99 0 R]")
    for name, data, reason in (("geheim.pdf", encrypted, "versleuteld"), ("los.pdf", dangling, "")):
        f = tmp_path / name
        f.write_bytes(data)
        with pytest.raises(InputError) as err:
            extract_text(f)
        assert f"{name} " in err.value.message and (reason in err.value.message)
        assert "Traceback" not in err.value.message


@pytest.mark.parametrize("name,content", [
    ("leeg.txt", b""),
    ("binair.txt", b"\x00\x01\x02" * 100),
    ("kapot.pdf", b"%PDF-1.4 dit is geen pdf"),
    ("brief.docx", b"PK\x03\x04"),
])
def test_bad_files_are_refused_and_nothing_is_written(tmp_path, corpus_settings, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    before = sorted(p.name for p in corpus_settings.corpus_dir.iterdir())
    with pytest.raises(InputError):
        add_letter(f, corpus_settings)
    assert sorted(p.name for p in corpus_settings.corpus_dir.iterdir()) == before


@pytest.mark.model
def test_ingest_makes_a_new_letter_searchable_and_reuses_embeddings(tmp_path, corpus_settings, pipeline):
    from rag.library import Library
    from rag.pipeline import Pipeline

    # Start from the built index's embedding cache: only the new letter's chunks are embedded.
    shutil.copytree(pipeline.retriever.index.path.parent / "cache", corpus_settings.index_dir / "cache")
    lib = Library(Pipeline(corpus_settings, pipeline.letters, pipeline.embedder, pipeline.retriever.index))
    f = tmp_path / "zeehaven.txt"
    f.write_text(LETTER, encoding="utf-8")
    added = lib.ingest([f], title="Zeehavenveiligheid Vlissingen")
    assert [x.letter_id for x in added] == ["zeehavenveiligheid-vlissingen"]
    a = lib.pipeline.ask("Wanneer start het programma Zeehavenveiligheid Vlissingen?")
    assert not a.abstained and "1 maart 2026" in a.answer
    assert a.citations[0].letter_id == "zeehavenveiligheid-vlissingen"
    # A failing ingest leaves the index as it was.
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.4 kapot")
    with pytest.raises(InputError):
        lib.ingest([bad])
    assert lib.pipeline.ask("Wanneer start het programma Zeehavenveiligheid Vlissingen?").citations


@pytest.mark.model
def test_failed_index_build_removes_the_added_letter(tmp_path, corpus_settings, pipeline, monkeypatch):
    from rag.store import stores
    from rag.library import Library
    from rag.pipeline import Pipeline

    lib = Library(Pipeline(corpus_settings, pipeline.letters, pipeline.embedder, pipeline.retriever.index))
    before = sorted(x.name for x in corpus_settings.corpus_dir.iterdir())

    def boom(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stores, "build", boom)
    f = tmp_path / "zeehaven.txt"
    f.write_text(LETTER, encoding="utf-8")
    with pytest.raises(RuntimeError):
        lib.ingest([f])
    assert sorted(x.name for x in corpus_settings.corpus_dir.iterdir()) == before
    assert lib.pipeline.ask("Wat is het project Fortius?").citations  # still answering from the old index


@pytest.mark.model
def test_with_settings_leaves_the_shared_pipeline_alone(pipeline):
    p = pipeline.with_settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    assert p.settings.llm_base_url == "http://127.0.0.1:9/v1"
    assert pipeline.settings.llm_base_url != p.settings.llm_base_url
    assert p.chain is not pipeline.chain
    # The loaded index and BM25 are shared, not rebuilt.
    assert p.retriever.index is pipeline.retriever.index and p.retriever.rankers is pipeline.retriever.rankers


@pytest.mark.model
def test_with_settings_rebuilds_what_depends_on_the_changed_settings(pipeline):
    from rag.config import Calibration

    question = "Welke landen produceren de cocaïne die naar Europa komt?"
    assert pipeline.ask(question).status == "answered"
    # Evidence can never be this strong: the answerer built on these numbers refuses.
    strict = pipeline.with_settings(calibration=Calibration(topic=2.0))
    assert strict.ask(question).status == "not_found"
    assert pipeline.ask(question).status == "answered"  # the shared pipeline is unchanged
    # Retrieval settings reach the retriever: one candidate per ranker, one passage.
    narrow = pipeline.with_settings(candidates=1, k=1)
    assert len(narrow.retrieve(question)) == 1 and len(pipeline.retrieve(question)) == pipeline.settings.k
