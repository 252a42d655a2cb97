"""Comparison tier: the Postgres store against the file index, on the same
letters and a fake embedder. Its rows, its dense and full-text rankings and
scores, the fused ranking and every filter must be the file index's."""
from __future__ import annotations

import pytest

from rag.config import load_settings
from rag.errors import InputError
from rag.pipeline import Pipeline
from rag.store import pgstore
from rag.store.build import build as file_build
from tests.support.pg import (  # noqa: F401 - fixtures
    BM25_QUESTIONS,
    QUESTIONS,
    chunk_ids,
    embedder,
    fresh_db,
    letters,
    server,
)

# A Postgres server of its own (tests/support/pg.py): the subprocess tier.
pytestmark = pytest.mark.subprocess


@pytest.fixture(scope="module")
def both(server, letters, embedder, tmp_path_factory):
    """The same letters as a file index and in the store."""
    tmp = tmp_path_factory.mktemp("both")
    settings = load_settings(index_dir=tmp / "index", store=fresh_db(server, "both"))
    file_pipe = Pipeline(settings.replace(store=""), letters, embedder,
                         file_build(settings.replace(store=""), embedder, letters))
    pg_pipe = Pipeline(settings, letters, embedder, pgstore.build(settings, embedder, letters))
    return file_pipe, pg_pipe


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
        assert chunk_ids(a) == chunk_ids(b)
        for x, y in zip(a, b):
            assert x.dense_score == pytest.approx(y.dense_score, abs=1e-5)
            assert x.score == pytest.approx(x.dense_score)


def test_full_text_ranking_is_the_file_index_bm25(both):
    """Same tokens, same statistics, same formula (bm25s's lucene defaults):
    the store's full-text ranking is the file index's BM25 ranking, chunk
    for chunk, with the same scores."""
    file_pipe, pg_pipe = both
    n = pg_pipe.retriever.settings.candidates
    for q in BM25_QUESTIONS:
        a, b = pg_pipe.retrieve(q, mode="bm25", k=n), file_pipe.retrieve(q, mode="bm25", k=n)
        assert a and chunk_ids(a) == chunk_ids(b), q
        for x, y in zip(a, b):
            assert x.bm25_score == pytest.approx(y.bm25_score, rel=1e-4)
            assert x.score == pytest.approx(x.bm25_score)
    # The rare word outranks the common one (what ts_rank_cd got wrong).
    passages = pg_pipe.retrieve("Welke landen produceren cocaïne?", mode="bm25", k=5)
    assert [p.bm25_score for p in passages] == sorted((p.bm25_score for p in passages), reverse=True)
    assert "toekomstagenda-internationaal:005" in chunk_ids(passages)  # "Colombia, Bolivia en Peru"
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
        assert chunk_ids(pg_pipe.retrieve(q, mode="bm25", k=10, letters=one)) == \
            chunk_ids(file_pipe.retrieve(q, mode="bm25", k=10, letters=one))
        assert chunk_ids(pg_pipe.retrieve(q, mode="bm25", k=10, date_from=day[:4])) == \
            chunk_ids(file_pipe.retrieve(q, mode="bm25", k=10, date_from=day[:4]))


def test_hybrid_is_rrf_of_the_two_store_rankings(both):
    from rag.search.retrieve import rrf

    _, pg_pipe = both
    r = pg_pipe.retriever
    for q in QUESTIONS:
        n = r.settings.candidates
        dense = chunk_ids(r.search(q, mode="dense", k=n))
        fts = chunk_ids(r.search(q, mode="bm25", k=n))
        fused = [cid for cid, _ in rrf([dense, fts], r.settings.rrf_k)]
        top = r.search(q, mode="hybrid", k=5)
        assert set(chunk_ids(top)) <= set(fused[:10])
        assert all(p.dense_score is not None and p.bm25_score is not None for p in top)


def test_hybrid_ranking_matches_the_file_index(both):
    """Both rankers are the file index's, so the fused ranking is too."""
    file_pipe, pg_pipe = both
    for q in BM25_QUESTIONS:
        assert chunk_ids(pg_pipe.retrieve(q, k=10)) == chunk_ids(file_pipe.retrieve(q, k=10)), q


def test_letter_and_date_filters_apply_before_ranking(both, letters):
    file_pipe, pg_pipe = both
    one = letters[0].letter_id
    for mode in ("dense", "bm25", "hybrid"):
        got = pg_pipe.retrieve("cocaïne drugs criminaliteit", mode=mode, k=10, letters=[one])
        assert got and {p.chunk.letter_id for p in got} == {one}
    # Dense with a filter: exactly the file index's filtered ranking.
    assert chunk_ids(pg_pipe.retrieve(QUESTIONS[0], mode="dense", k=5, letters=[one])) == \
        chunk_ids(file_pipe.retrieve(QUESTIONS[0], mode="dense", k=5, letters=[one]))
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
            assert chunk_ids(got) == chunk_ids(file_pipe.retrieve(QUESTIONS[0], mode=mode, k=10, **options)), (mode, options)
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
