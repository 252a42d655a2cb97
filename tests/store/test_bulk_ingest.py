"""`rag ingest DIR`: many letters at once with a fake embedder (unit tier, no
model): folders and globs expanded, each file added, skipped as a duplicate
or refused with its reason; a rerun embeds nothing; an embedding that dies
half-way keeps what it embedded; metadata only where the text states it."""
from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from rag import cli
from rag.ingest import corpus
from rag.config import load_settings
from rag.ingest.corpus import expand_paths, extract_metadata
from rag.fileutil import text_hash
from rag.embed.vectorcache import CACHE_DIR, VectorCache
from tests.support.fakes import CountingEmbedder

SIGNED = "\n\nDe Minister van Justitie en Veiligheid,\n\nD.M. van Weel\n"


def _letter(subject: str, n: int = 3) -> str:
    body = " ".join(f"Deze brief gaat over {subject}; alinea {i} beschrijft de aanpak en de middelen." for i in range(n))
    return f" Geachte voorzitter,\n\n{body}\n"


# ------------------------------------------------------------------ metadata
def test_metadata_only_where_the_text_states_it():
    head = "Datum 12 maart 2024\nOnderwerp Voortgang aanpak van\ngeorganiseerde criminaliteit\n\nGeachte voorzitter,\n"
    m = extract_metadata(head + "Op 3 april 2023 sprak ik met de burgemeesters." + SIGNED)
    assert (m.date, m.title, m.minister, m.kamerstuk) == (
        "2024-03-12", "Voortgang aanpak van georganiseerde criminaliteit", "D.M. van Weel", "")

    footer = "Tekst.\n\nTweede Kamer, vergaderjaar 2023–2024, 29 911, nr. 433 4\n6 Kamerstuk 29 911, nr. 348.\n"
    assert extract_metadata(footer).kamerstuk == "29 911, nr. 433"
    assert extract_metadata("Kamerstuk: 29911, nr. 7\n\nTekst.").kamerstuk == "29 911, nr. 7"
    sign_off = "Tekst.\n\nDen Haag, 1 juli 2025\n\nDe Staatssecretaris van Justitie en Veiligheid,\nI. Coenradie\n"
    m = extract_metadata(sign_off)
    assert (m.date, m.minister) == ("2025-07-01", "I. Coenradie")

    # Said about something else, or not a real value: nothing.
    nothing = extract_metadata(
        "Op 12 maart 2024 is de wet aangenomen (Kamerstuk 29 911, nr. 355).\n"
        "6 Kamerstuk 31 477, nr. 113\nDatum 31 februari 2024\n"
        "De minister van Financiën heeft dit gemeld.\nDe Minister van Justitie en Veiligheid,\n"
        "namens deze, de directeur\n")
    assert nothing == corpus.StatedMetadata()


def test_metadata_of_the_shipped_letters_matches_their_manifests():
    settings = load_settings()
    for letter in corpus.load_letters(settings):
        stated = extract_metadata(corpus.read_text(letter, settings))
        for key in ("date", "kamerstuk", "minister"):
            assert getattr(stated, key) == unicodedata.normalize("NFC", getattr(letter, key)), (letter.letter_id, key)


def test_paths_folders_and_globs_expand_to_files(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/a.txt", "d/sub/b.PDF", "d/sub/c.md", "d/.verborgen.txt", "d/notes.odt"):
        (tmp_path / name).write_text("x")
    t = expand_paths([tmp_path / "d", str(tmp_path / "d" / "**" / "*.md"), tmp_path / "weg.txt",
                      str(tmp_path / "nergens" / "*.txt")])
    assert [p.relative_to(tmp_path).as_posix() for p in t.new] == ["d/a.txt", "d/sub/b.PDF", "d/sub/c.md"]
    assert [p.name for p in t.ignored] == ["notes.odt"]
    assert [(p.name, why) for p, why in t.refused] == [("weg.txt", "bestaat niet"),
                                                       ("*.txt", "geen bestanden die hierop passen")]


# ------------------------------------------------------------------ the command
@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The shipped corpus and an index of it built with the fake embedder, once."""
    from rag.store.build import build

    root = tmp_path_factory.mktemp("base")
    settings = load_settings()
    shutil.copytree(settings.corpus_dir, root / "corpus")
    build(settings.replace(corpus_dir=root / "corpus", index_dir=root / "index"), CountingEmbedder())
    return root


@pytest.fixture()
def env(tmp_path, base, monkeypatch):
    """A copy of `base` as RAG_CORPUS_DIR / RAG_INDEX_DIR; `env.embedder` is
    what the CLI embeds with (swap it to make it fail)."""
    from rag.embed import model as embed

    shutil.copytree(base / "corpus", tmp_path / "corpus")
    shutil.copytree(base / "index", tmp_path / "index")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))

    class Env:
        embedder = CountingEmbedder()
        corpus = tmp_path / "corpus"
        index = tmp_path / "index"

    monkeypatch.setattr(embed, "get_embedder", lambda settings: Env.embedder)
    return Env


def _inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    (box / "sub").mkdir(parents=True)
    (box / "havens.txt").write_text("Datum 12 maart 2024\nOnderwerp Zeehavens\n\n" + _letter("zeehavens") + SIGNED)
    (box / "sub" / "luchthavens.md").write_text(_letter("luchthavens"), encoding="utf-8")
    (box / "sub" / "kopie.txt").write_text(_letter("luchthavens"), encoding="utf-8")  # same text as the .md
    shutil.copy(load_settings().corpus_dir / "000_137c8bc658e88daa.txt", box / "al-bekend.txt")  # in the corpus
    (box / "kapot.pdf").write_bytes(b"%PDF-1.4 dit is geen pdf")
    (box / "binair.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (box / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    return box


def test_a_folder_is_added_skipped_and_refused_file_by_file(tmp_path, env, capsys):
    box = _inbox(tmp_path)
    assert cli.main(["ingest", str(box)]) == cli.EXIT_SOME_FILES_REFUSED
    out = capsys.readouterr().out
    assert "samenvatting: 2 toegevoegd, 2 overgeslagen (al aanwezig: al-bekend.txt, luchthavens.md), 2 geweigerd, " \
           "1 genegeerd (ander bestandstype)" in out
    assert "toegevoegd: havens\tZeehavens (2024-03-12, D.M. van Weel)" in out
    assert f"al aanwezig (overgeslagen): {box / 'al-bekend.txt'} = toekomstagenda-internationaal" in out
    # Files are read in sorted order: the first of two equal texts is added.
    assert f"al aanwezig (overgeslagen): {box / 'sub' / 'luchthavens.md'} = kopie" in out
    assert f"geweigerd: {box / 'kapot.pdf'}: kapot.pdf kan niet gelezen worden" in out
    assert f"geweigerd: {box / 'binair.txt'}: binair.txt lijkt een binair bestand" in out
    assert "index (gebouwd):" in out and "uit 7 brieven" in out
    manifest = json.loads((env.corpus / "havens.json").read_text())
    assert (manifest["title"], manifest["date"], manifest["kamerstuk"], manifest["minister"]) == (
        "Zeehavens", "2024-03-12", "", "D.M. van Weel")
    assert json.loads((env.corpus / "kopie.json").read_text())["minister"] == ""  # not signed: not invented
    assert env.embedder.embedded  # the new letters' passages

    # Again: everything is a duplicate, nothing embedded, no new version.
    env.embedder = CountingEmbedder()
    assert cli.main(["ingest", str(box)]) == cli.EXIT_SOME_FILES_REFUSED
    out = capsys.readouterr().out
    assert "samenvatting: 0 toegevoegd, 4 overgeslagen" in out and "al actueel, niet opnieuw gebouwd" in out
    assert env.embedder.embedded == []


def test_only_readable_files_exit_0_and_nothing_found_exits_2(tmp_path, env, capsys):
    box = tmp_path / "goed"
    box.mkdir()
    (box / "een.txt").write_text(_letter("de haven van Rotterdam"))
    assert cli.main(["ingest", str(box / "*.txt")]) == 0
    assert "samenvatting: 1 toegevoegd, 0 overgeslagen (al aanwezig), 0 geweigerd" in capsys.readouterr().out
    (tmp_path / "leeg").mkdir()
    assert cli.main(["ingest", str(tmp_path / "leeg")]) == 2
    assert "Geen bestanden van een ondersteund type" in capsys.readouterr().err


class DiesAfter(CountingEmbedder):
    """Embeds `batches` batches, then fails (a crash half-way)."""

    def __init__(self, batches: int):
        super().__init__()
        self.left = batches

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        if self.left == 0:
            raise RuntimeError("embedder crashed")
        self.left -= 1
        return super().encode_passages(texts, batch_size)


def test_an_interrupted_ingest_resumes_without_re_embedding(tmp_path, env, capsys, monkeypatch):
    box = tmp_path / "veel"
    box.mkdir()
    for i in range(6):
        (box / f"brief-{i}.txt").write_text(_letter(f"onderwerp nummer {i}", n=12))
    monkeypatch.setattr(VectorCache, "flush_texts", 4)
    env.embedder = DiesAfter(batches=2)
    assert cli.main(["ingest", str(box)]) == 1  # the crash is reported, the run stops
    first = list(env.embedder.embedded)
    assert first and "embedder crashed" in capsys.readouterr().err
    assert not (env.corpus / "brief-0.json").exists()  # rolled back: corpus and index stay in step

    env.embedder = CountingEmbedder()
    assert cli.main(["ingest", str(box)]) == 0
    assert "samenvatting: 6 toegevoegd" in capsys.readouterr().out
    second = env.embedder.embedded
    assert second and not set(first) & set(second)  # nothing embedded twice

    # Everything embedded in one go costs exactly what both runs did together.
    fresh = CountingEmbedder()
    cache = VectorCache(tmp_path / "fresh.npz", fresh)
    cache.embed([*first, *second])
    assert len(fresh.embedded) == len(first) + len(second)


def test_letters_a_killed_ingest_left_unindexed_are_reported_as_added(tmp_path, env, capsys):
    """A SIGKILL runs no rollback: the letters it had copied into the corpus
    are there, the live index does not hold them. The next run indexes them
    and says so; they are not "already there"."""
    box = tmp_path / "veel"
    box.mkdir()
    for i in range(7):
        (box / f"brief-{i}.txt").write_text(_letter(f"onderwerp nummer {i}", n=4))
    settings = load_settings()
    for i in range(5):  # what the killed run got done before it died
        corpus.add_letter(box / f"brief-{i}.txt", settings)

    assert cli.main(["ingest", str(box)]) == 0
    out = capsys.readouterr().out
    assert "samenvatting: 7 toegevoegd (waarvan 5 hervat: al in de corpusmap gezet door een onderbroken eerdere " \
           "ingest), 0 overgeslagen (al aanwezig), 0 geweigerd" in out
    assert f"toegevoegd (hervat): {box / 'brief-0.txt'} = brief-0" in out
    assert "uit 12 brieven" in out

    # Now they are in the live index: a rerun skips all seven, named briefly.
    assert cli.main(["ingest", str(box)]) == 0
    assert "samenvatting: 0 toegevoegd, 7 overgeslagen (al aanwezig: brief-0.txt, brief-1.txt, brief-2.txt, " \
           "brief-3.txt, brief-4.txt en 2 meer), 0 geweigerd" in capsys.readouterr().out


def test_the_cache_is_saved_as_it_goes_and_a_damaged_shard_only_costs_time(tmp_path, monkeypatch):
    monkeypatch.setattr(VectorCache, "flush_texts", 4)
    path = tmp_path / CACHE_DIR / "fake.npz"
    texts = [f"tekst {i}" for i in range(20)]
    with pytest.raises(RuntimeError):
        VectorCache(path, DiesAfter(batches=3)).embed(texts, batch_size=2)
    shards = sorted(p.name for p in path.parent.glob("fake.*.npz"))
    assert shards and not path.exists()  # appended as shards, nothing rewritten

    again = CountingEmbedder()
    cache = VectorCache(path, again)
    assert len(cache) == 6
    cache.embed(texts, batch_size=2)
    assert again.embedded == texts[6:]
    assert path.exists() and not list(path.parent.glob("fake.*.npz"))  # merged into one segment
    np.testing.assert_allclose(VectorCache(path, CountingEmbedder())[texts[0]], cache[texts[0]])

    # A damaged shard is ignored: its texts are embedded again, nothing fails.
    with pytest.raises(RuntimeError):
        VectorCache(path, DiesAfter(batches=2)).embed([f"nieuw {i}" for i in range(8)], batch_size=2)
    for shard in path.parent.glob("fake.*.npz"):
        shard.write_bytes(b"kapot")
    third = CountingEmbedder()
    VectorCache(path, third).embed([*texts, *[f"nieuw {i}" for i in range(8)]], batch_size=2)
    assert third.embedded == [f"nieuw {i}" for i in range(8)]


def test_the_cache_reads_vectors_one_segment_at_a_time(tmp_path, monkeypatch):
    """Memory stays bounded at any corpus size: opening the cache reads keys
    only, a finished run leaves segments of at most `segment_rows` vectors,
    and asking for vectors reads only the segments that hold them."""
    from rag.embed import vectorcache

    monkeypatch.setattr(VectorCache, "flush_texts", 4)
    monkeypatch.setattr(VectorCache, "segment_rows", 10)
    path = tmp_path / CACHE_DIR / "fake.npz"
    texts = [f"tekst {i}" for i in range(25)]
    VectorCache(path, CountingEmbedder()).embed(texts, batch_size=2)
    files = sorted(path.parent.glob("fake*.npz"))
    sizes = [len(np.load(f)["keys"]) for f in files]
    assert sum(sizes) == 25 and max(sizes) <= 10 and len(files) == 3 and path in files

    read: list[Path] = []
    real = vectorcache._segment_vectors
    monkeypatch.setattr(vectorcache, "_segment_vectors", lambda p, *a: read.append(p) or real(p, *a))
    cache = VectorCache(path, CountingEmbedder())
    assert read == [] and len(cache) == 25  # keys only
    expected = CountingEmbedder().encode_passages(texts)
    np.testing.assert_allclose(cache.vectors_of(texts[:3]), expected[:3], atol=1e-6)
    assert len(read) == 1  # the one segment holding them
    read.clear()
    np.testing.assert_allclose(cache.vectors_of(texts[::-1]), expected[::-1], atol=1e-6)
    assert sorted(read) == files  # each segment once, whatever the order asked

    # A segment damaged after the cache was opened: its texts are embedded again.
    victim = files[1]
    held = {str(k) for k in np.load(victim)["keys"]}
    victim.write_bytes(b"kapot")
    again = CountingEmbedder()
    cache.embedder = again
    np.testing.assert_allclose(cache.vectors_of(texts), expected, atol=1e-6)
    assert {text_hash(t) for t in again.embedded} == held


def test_a_build_chunks_only_the_letters_it_has_not_chunked_before(tmp_path, monkeypatch):
    """Adding one letter to many cleans and chunks that one (rag.store.build's
    chunk cache); a changed, damaged or removed letter's entry is not reused."""
    from rag.store import build as build_mod

    settings = load_settings().replace(index_dir=tmp_path / "index")
    letters = corpus.load_letters(settings)[:2]
    chunked = []
    real = build_mod.chunk_letter
    monkeypatch.setattr(build_mod, "chunk_letter", lambda letter, *a, **kw: chunked.append(letter.letter_id)
                        or real(letter, *a, **kw))
    first = build_mod.chunk_letters(settings, letters)
    assert chunked == [x.letter_id for x in letters]
    assert build_mod.chunk_letters(settings, letters) == first and len(chunked) == 2  # nothing chunked again

    texts = {x.letter_id: corpus.read_text(x, settings) for x in letters}
    texts[letters[1].letter_id] += "\n\nEen nieuwe alinea over de haven van Vlissingen."
    chunks, _ = build_mod.chunk_letters(settings, letters, texts=texts)
    assert chunked[2:] == [letters[1].letter_id] and "Vlissingen" in " ".join(c.text for c in chunks)

    cache = settings.index_dir / build_mod.CHUNK_CACHE_DIR
    assert len(list(cache.glob("*.json"))) == 2  # the old version of the changed letter is gone
    for path in cache.glob("*.json"):
        path.write_text("{kapot", encoding="utf-8")
    assert build_mod.chunk_letters(settings, letters) == first and chunked[3:] == [x.letter_id for x in letters]
