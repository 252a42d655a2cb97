"""Index mechanics with a counting fake embedder (deterministic vectors).

The fake is fine here: these tests are about files, atomicity and caching, not
about embedding quality (that is tested with the real embedder in
test_retrieve.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.store import index as index_mod
from rag.errors import IndexStateError
from rag.store import lexical
from rag.store.index import (
    CURRENT_FILE,
    MissingIndex,
    StaleIndex,
    diff_corpus,
)
from rag.embed.vectorcache import l2_normalise
from rag.ingest.chunk import embedding_text
from rag.fileutil import text_hash
from rag.records import Chunk, LetterPages
from tests.support.fakes import CHUNKS, DIM, HASHES, CountingEmbedder, build, load, make_chunk


# --------------------------------------------------------------------------- round trip


def test_round_trip_same_chunks_and_vectors(tmp_path):
    stats, emb = build(CHUNKS, tmp_path)
    assert (stats.chunks, stats.embedded_new, stats.reused) == (7, 7, 0)

    loaded = load(tmp_path, chunker_version="c1", corpus_hashes=HASHES)
    assert loaded.chunks == CHUNKS  # pages survive as tuples, order = FAISS ids
    expected = emb.encode_passages([embedding_text(c) for c in CHUNKS])
    np.testing.assert_allclose(loaded.vectors, expected, atol=1e-6)
    assert loaded.faiss_index.ntotal == 7

    # FAISS row i is chunk i: searching chunk 3's own vector finds chunk 3.
    _, ids = loaded.faiss_index.search(expected[3:4], 1)
    assert loaded.chunks[int(ids[0, 0])].chunk_id == "brief-a#3"

    m = loaded.manifest
    assert m.embedder_id == "fake/counting" and m.dimension == DIM
    assert m.chunker_version == "c1" and m.corpus_hashes == HASHES
    assert m.chunk_count == 7 and m.format_version == index_mod.FORMAT_VERSION
    assert m.created_at


def test_what_later_stages_need_is_built_into_the_version(tmp_path):
    pages = LetterPages("brief-a", "Pagina een.\n Pagina twee.", (0, 12), "minister X, 29 911")
    sentences = ["Een zin die geciteerd mag worden.", "Nog een zin."]
    stats, emb = build(CHUNKS, tmp_path, letters=[pages], sentences=sentences)
    assert stats.embedded_new == 9  # seven chunks and two sentences, through one cache
    loaded = load(tmp_path)
    assert loaded.letters == {"brief-a": pages}
    assert loaded.letters["brief-a"].pages() == [(1, "Pagina een."), (2, "Pagina twee.")]
    np.testing.assert_allclose(loaded.sentence_vectors[text_hash(sentences[1])],
                               emb.encode_passages([sentences[1]])[0], atol=1e-6)
    # The same texts again: nothing is embedded twice.
    stats, emb = build(CHUNKS, tmp_path, letters=[pages], sentences=sentences)
    assert stats.embedded_new == 0 and emb.embedded == []


def test_bm25_and_idf_are_built_into_the_version_and_not_recomputed_at_load(tmp_path, monkeypatch):
    from rag.store import lexical
    from rag.search import retrieve
    from rag.config import load_settings

    build(CHUNKS, tmp_path)
    tokens = lexical.chunk_tokens(CHUNKS)
    fresh = lexical.build_bm25(tokens)

    def recomputed(*args):
        raise AssertionError("the load tokenised every chunk again")

    monkeypatch.setattr(lexical, "chunk_tokens", recomputed)
    loaded = load(tmp_path)
    assert loaded.idf == lexical.idf_table(tokens)
    retrieve.Retriever(loaded, CountingEmbedder(), load_settings())  # tokenises no chunk either
    for query in (["brief"], ["tekst", "nummer", "3"], ["onbekend"]):
        np.testing.assert_allclose(loaded.bm25.get_scores(query), fresh.get_scores(query))


def test_an_unreadable_bm25_file_is_reported_as_corruption(tmp_path):
    """Even when its checksum was rewritten to match (edited outside this program)."""
    build(CHUNKS, tmp_path)
    vdir = _version_dir(tmp_path)
    path = vdir / lexical.BM25_FILES["data_name"]
    path.write_bytes(path.read_bytes()[:40])
    manifest = json.loads((vdir / "manifest.json").read_text())
    manifest["files"][path.name] = index_mod.sha256_file(path)
    (vdir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexStateError, match="BM25"):
        load(tmp_path)


def test_an_edited_letters_file_is_reported_as_corruption(tmp_path):
    build(CHUNKS, tmp_path, letters=[LetterPages("brief-a", "Tekst.", (0,))])
    version = tmp_path / (tmp_path / CURRENT_FILE).read_text().strip()
    (version / "letters.jsonl").write_text('{"letter_id": "brief-a", "text": "Andere tekst.", "page_starts": [0]}\n')
    with pytest.raises(IndexStateError, match="beschadigd"):
        load(tmp_path)


def test_an_index_of_an_older_format_is_rebuilt_like_a_missing_one(tmp_path):
    build(CHUNKS, tmp_path)
    version = tmp_path / (tmp_path / CURRENT_FILE).read_text().strip()
    manifest = json.loads((version / "manifest.json").read_text())
    (version / "manifest.json").write_text(json.dumps({**manifest, "format_version": 1}))
    with pytest.raises(MissingIndex):  # OldFormatIndex: callers that build a missing index rebuild it
        load(tmp_path)


def test_manifest_json_is_plain_and_readable(tmp_path):
    build(CHUNKS, tmp_path)
    version = (tmp_path / CURRENT_FILE).read_text().strip()
    manifest = json.loads((tmp_path / version / "manifest.json").read_text())
    assert set(manifest) >= {
        "format_version", "embedder_id", "dimension", "chunker_version",
        "corpus_hashes", "chunk_count", "created_at",
    }


def test_progress_reports_embedding_work(tmp_path):
    calls = []
    build(CHUNKS, tmp_path, progress=lambda done, total: calls.append((done, total)), batch_size=3)
    assert calls == [(0, 7), (3, 7), (6, 7), (7, 7)]


def test_rebuild_replaces_version_and_sweeps_old(tmp_path):
    build(CHUNKS, tmp_path)
    first = (tmp_path / CURRENT_FILE).read_text().strip()
    build(CHUNKS[:4], tmp_path)
    second = (tmp_path / CURRENT_FILE).read_text().strip()
    assert first != second
    assert not (tmp_path / first).exists()
    assert len(load(tmp_path).chunks) == 4


def test_duplicate_chunk_ids_rejected(tmp_path):
    with pytest.raises(ValueError, match="duplicate"):
        build([CHUNKS[0], CHUNKS[0]], tmp_path)


def test_empty_chunk_list_builds_empty_index(tmp_path):
    build([], tmp_path)
    assert load(tmp_path).chunks == []


def test_readme_in_index_dir_is_left_alone(tmp_path):
    (tmp_path / "README.md").write_text("docs")
    build(CHUNKS, tmp_path)
    build(CHUNKS[:2], tmp_path)
    assert (tmp_path / "README.md").read_text() == "docs"


# --------------------------------------------------------------------------- incremental


def test_incremental_build_embeds_only_changed_chunk(tmp_path):
    build(CHUNKS, tmp_path)
    changed = list(CHUNKS)
    changed[4] = make_chunk(4, "Geheel nieuwe tekst over het verbod op designerdrugs.")
    emb = CountingEmbedder()
    stats, _ = build(changed, tmp_path, embedder=emb)
    assert emb.embedded == [embedding_text(changed[4])]
    assert (stats.embedded_new, stats.reused) == (1, 6)
    loaded = load(tmp_path)
    np.testing.assert_allclose(
        loaded.vectors[4], emb.encode_passages([embedding_text(changed[4])])[0], atol=1e-6
    )


def test_cache_is_per_embedder(tmp_path):
    build(CHUNKS, tmp_path)
    other = CountingEmbedder(model_id="fake/other", dimension=8)
    stats, _ = build(CHUNKS, tmp_path, embedder=other)
    assert stats.embedded_new == 7  # vectors of another model are never reused
    # ...and switching back reuses the first embedder's cache entirely.
    back = CountingEmbedder()
    stats, _ = build(CHUNKS, tmp_path, embedder=back)
    assert back.embedded == [] and stats.reused == 7


@pytest.mark.parametrize("damage", ["garbage", "truncated", "garbage zip"])
def test_unreadable_cache_only_costs_time(tmp_path, damage):
    import io
    import zipfile

    build(CHUNKS, tmp_path)
    for f in (tmp_path / "cache").glob("*.npz"):
        if damage == "garbage":
            f.write_bytes(b"garbage")
        elif damage == "truncated":  # a zip whose central directory is cut off
            f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])
        else:  # a valid zip holding nonsense members
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("keys.npy", b"\x93NUMPY nonsense")
            f.write_bytes(buf.getvalue())
    stats, _ = build(CHUNKS, tmp_path)
    assert stats.embedded_new == 7
    assert len(load(tmp_path).chunks) == 7


def test_vectors_are_cached_by_the_text_embedded_whatever_the_chunk_claims(tmp_path):
    # A chunk whose content_hash is missing or wrong still gets its own vector.
    a = Chunk(**{**CHUNKS[0].to_dict(), "pages": (1,), "content_hash": ""})
    b = Chunk(**{**a.to_dict(), "pages": (1,), "chunk_id": "other", "text": a.text + "!", "content_hash": "x"})
    c = Chunk(**{**a.to_dict(), "pages": (1,), "chunk_id": "third", "text": "Heel andere tekst.", "content_hash": "x"})
    stats, _ = build([a, b, c], tmp_path)
    assert stats.embedded_new == 3
    vectors = load(tmp_path).vectors
    assert not np.allclose(vectors[1], vectors[2])


# --------------------------------------------------------------------------- validation


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(MissingIndex) as e:
        load(tmp_path / "nowhere")
    assert isinstance(e.value, IndexStateError) and not isinstance(e.value, StaleIndex)
    assert "make ingest" in e.value.hint and "python -m rag ingest" in e.value.hint


def test_embedder_mismatch_names_both(tmp_path):
    build(CHUNKS, tmp_path)
    with pytest.raises(IndexStateError) as e:
        load(tmp_path, embedder_id="intfloat/other", dimension=DIM)
    assert not isinstance(e.value, StaleIndex)
    assert "fake/counting" in e.value.message and "intfloat/other" in e.value.message


def test_dimension_mismatch(tmp_path):
    build(CHUNKS, tmp_path)
    with pytest.raises(IndexStateError, match="384"):
        load(tmp_path, dimension=384)


def test_stale_corpus_is_distinct_and_carries_usable_index(tmp_path):
    build(CHUNKS, tmp_path)
    with pytest.raises(StaleIndex) as e:
        load(tmp_path, corpus_hashes={"brief-a": "b" * 64, "brief-b": "c" * 64})
    assert e.value.reasons == ["letter 'brief-b' is new", "letter 'brief-a' changed"]
    assert len(e.value.index.chunks) == 7
    assert "make ingest" in e.value.hint


def test_stale_chunker_version(tmp_path):
    build(CHUNKS, tmp_path)
    with pytest.raises(StaleIndex, match="chunker version"):
        load(tmp_path, chunker_version="c2")
    load(tmp_path, chunker_version="c1", corpus_hashes=HASHES)  # fine


def test_diff_corpus():
    assert diff_corpus({"a": "1", "b": "2"}, {"a": "1", "b": "2"}) == []
    assert diff_corpus({"a": "1", "b": "2"}, {"a": "9"}) == [
        "letter 'b' was removed",
        "letter 'a' changed",
    ]


def _version_dir(tmp_path: Path) -> Path:
    return tmp_path / (tmp_path / CURRENT_FILE).read_text().strip()


def test_corrupted_chunk_file(tmp_path):
    build(CHUNKS, tmp_path)
    path = _version_dir(tmp_path) / "chunks.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2][: len(lines[2]) // 2] + "\n"
    path.write_text("".join(lines))
    with pytest.raises(IndexStateError) as e:
        load(tmp_path)
    assert "corrupted" in e.value.message and "make ingest" in e.value.hint


def test_corrupted_chunk_file_without_checksums(tmp_path, monkeypatch):
    """The JSON/record checks hold on their own, even without manifest checksums."""
    build(CHUNKS, tmp_path)
    vdir = _version_dir(tmp_path)
    manifest = json.loads((vdir / "manifest.json").read_text())
    manifest["files"] = {}
    (vdir / "manifest.json").write_text(json.dumps(manifest))
    with open(vdir / "chunks.jsonl", "a") as f:
        f.write('{"chunk_id": "x"}\n')  # valid JSON, not a Chunk
    with pytest.raises(IndexStateError, match="chunks.jsonl line 8"):
        load(tmp_path)


def test_truncated_faiss_file(tmp_path):
    build(CHUNKS, tmp_path)
    path = _version_dir(tmp_path) / "vectors.faiss"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IndexStateError, match="corrupted"):
        load(tmp_path)


def test_truncated_faiss_file_without_checksums(tmp_path):
    build(CHUNKS, tmp_path)
    vdir = _version_dir(tmp_path)
    manifest = json.loads((vdir / "manifest.json").read_text())
    manifest["files"] = {}
    (vdir / "manifest.json").write_text(json.dumps(manifest))
    path = vdir / "vectors.faiss"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IndexStateError, match="FAISS"):
        load(tmp_path)


def test_count_mismatch_is_corruption(tmp_path):
    build(CHUNKS, tmp_path)
    vdir = _version_dir(tmp_path)
    manifest = json.loads((vdir / "manifest.json").read_text())
    manifest["files"] = {}
    (vdir / "manifest.json").write_text(json.dumps(manifest))
    lines = (vdir / "chunks.jsonl").read_text().splitlines(keepends=True)
    (vdir / "chunks.jsonl").write_text("".join(lines[:-1]))
    with pytest.raises(IndexStateError, match="7 vectors, 6 chunks"):
        load(tmp_path)


def test_bad_manifest_json(tmp_path):
    build(CHUNKS, tmp_path)
    (_version_dir(tmp_path) / "manifest.json").write_text("{not json")
    with pytest.raises(IndexStateError, match="corrupted"):
        load(tmp_path)


def test_missing_version_dir_is_corruption(tmp_path):
    (tmp_path / CURRENT_FILE).write_text("v-gone\n")
    with pytest.raises(IndexStateError, match="corrupted") as e:
        load(tmp_path)
    assert not isinstance(e.value, MissingIndex)


def test_load_retries_when_a_concurrent_build_sweeps_the_version(tmp_path, monkeypatch):
    """Reader read CURRENT, then a build switched and removed that version
    before the reader opened its files: the reader follows the new CURRENT."""
    build(CHUNKS[:3], tmp_path)
    real_read = index_mod._read_version
    calls = []

    def read_after_rebuild(path, key=""):
        if not calls:
            calls.append(path)
            build(CHUNKS, tmp_path)  # switches and sweeps `path`
        return real_read(path, key)

    monkeypatch.setattr(index_mod, "_read_version", read_after_rebuild)
    assert load(tmp_path).chunks == CHUNKS


# --------------------------------------------------------------------------- atomicity


@pytest.mark.parametrize("victim", ["_write_chunks", "_write_faiss", "_write_manifest"])
def test_interrupted_build_keeps_previous_index(tmp_path, monkeypatch, victim):
    build(CHUNKS[:3], tmp_path)
    before = (tmp_path / CURRENT_FILE).read_text()

    real = getattr(index_mod, victim)

    def half_then_fail(path, *args):
        real(path, *args)  # the file is (partly) there, then the "kill"
        raise KeyboardInterrupt("simulated kill")

    monkeypatch.setattr(index_mod, victim, half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        build(CHUNKS, tmp_path)
    monkeypatch.undo()

    assert (tmp_path / CURRENT_FILE).read_text() == before
    loaded = load(tmp_path, chunker_version="c1", corpus_hashes=HASHES)
    assert loaded.chunks == CHUNKS[:3]
    # No half-built version left behind.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".tmp-", "v-"))] == [before.strip()]


def test_failure_at_the_switch_keeps_previous_index(tmp_path, monkeypatch):
    build(CHUNKS[:3], tmp_path)
    real_replace = index_mod.os.replace

    def fail_on_pointer(src, dst):
        if Path(dst).name == CURRENT_FILE:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(index_mod.os, "replace", fail_on_pointer)
    with pytest.raises(OSError, match="disk full"):
        build(CHUNKS, tmp_path)
    monkeypatch.undo()
    assert load(tmp_path).chunks == CHUNKS[:3]
    # The fully written but never switched-to version was removed again.
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("v-")]) == 1
    emb = CountingEmbedder()
    build(CHUNKS, tmp_path, embedder=emb)
    assert load(tmp_path).chunks == CHUNKS and emb.embedded == []


def test_leftovers_of_a_killed_build_are_swept(tmp_path):
    build(CHUNKS[:3], tmp_path)
    (tmp_path / ".tmp-v-dead").mkdir()
    (tmp_path / ".tmp-v-dead" / "chunks.jsonl").write_text("half")
    build(CHUNKS, tmp_path)
    assert not (tmp_path / ".tmp-v-dead").exists()
    assert load(tmp_path).chunks == CHUNKS


def test_vectors_from_failed_build_are_cached(tmp_path, monkeypatch):
    build(CHUNKS[:3], tmp_path)
    monkeypatch.setattr(index_mod, "_write_faiss", lambda *a: (_ for _ in ()).throw(OSError("x")))
    with pytest.raises(OSError):
        build(CHUNKS, tmp_path)
    monkeypatch.undo()
    emb = CountingEmbedder()
    stats, _ = build(CHUNKS, tmp_path, embedder=emb)
    assert emb.embedded == [] and stats.reused == 7


# --------------------------------------------------------------------------- pure helpers


def test_l2_normalise():
    v = l2_normalise(np.array([[3.0, 4.0], [0.0, 2.0]]))
    np.testing.assert_allclose(v, [[0.6, 0.8], [0.0, 1.0]], atol=1e-7)
    assert v.dtype == np.float32
    with pytest.raises(ValueError):
        l2_normalise(np.array([[0.0, 0.0]]))
    with pytest.raises(ValueError):
        l2_normalise(np.array([[np.nan, 1.0]]))


def test_wrong_shape_from_embedder_is_rejected(tmp_path):
    class Bad(CountingEmbedder):
        def encode_passages(self, texts, batch_size=32, show_progress=False):
            return super().encode_passages(texts)[:, :4]

    with pytest.raises(ValueError, match="shape"):
        build(CHUNKS, tmp_path, embedder=Bad())
    assert not (tmp_path / CURRENT_FILE).exists()


def test_the_letter_context_holds_the_reports_its_first_page_names():
    from rag.store.build import letter_context
    from rag.ingest.clean import CleanText
    from rag.records import Letter

    page1 = "Hierbij bied ik u de reactie aan op het rapport “Koersvast. Over de lessen van tien jaar handhaving”.\n"
    page2 = "Verderop noemt de brief ook het programma ‘Schoon Water’.\n"
    text = page1 + page2
    cleaned = CleanText(text=text, raw_pos=list(range(len(text))), page_starts=[0, len(page1)])
    letter = Letter(letter_id="x", title="Reactie", kind="kamerbrief", file="x.txt", sha256="0")
    context = letter_context(letter, cleaned)
    assert "Koersvast. Over de lessen van tien jaar handhaving" in context
    assert "Schoon Water" not in context  # named later on: not what the letter replies to
