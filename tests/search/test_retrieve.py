"""Retrieval: pure tokenisation and fusion, the Retriever's filters and modes
(fake embedder), the LangChain standard tests, and questions on the real
letters with the real embedder."""
from __future__ import annotations

import hashlib
import re

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.config import SearchOptions, Settings
from rag.errors import IndexStateError, InputError
from rag.store.index import build_index, load_index
from rag.records import Chunk
from rag.search.retrieve import LetterRetriever, Retriever, rrf
from tests.support.fakes import BagOfWordsEmbedder, fake_index_dir, fake_retriever

# --------------------------------------------------------------------------- fusion


def test_rrf_against_hand_computed_reference():
    # k=60: a is 1st and 3rd -> 1/61 + 1/63; b is 2nd and 1st -> 1/62 + 1/61;
    # c only 2nd in the second list -> 1/62; d only 3rd in the first -> 1/63.
    fused = rrf([["a", "b", "d"], ["b", "c", "a"]], k=60)
    expected = [
        ("b", 1 / 62 + 1 / 61),
        ("a", 1 / 61 + 1 / 63),
        ("c", 1 / 62),
        ("d", 1 / 63),
    ]
    assert [d for d, _ in fused] == [d for d, _ in expected]
    for (_, got), (_, want) in zip(fused, expected):
        assert got == pytest.approx(want, rel=1e-12)


def test_rrf_ties_broken_by_best_rank_then_id():
    # x: ranks 1 and 4, y: ranks 2 and 2 -> with k=0: 1.25 vs 1.0, no tie;
    # with these lists x and y tie exactly: 1/(1+1)+1/(1+3) = 0.75 = 1/(1+2)*... use k=1
    fused = rrf([["x", "y"], ["y", "x"]], k=1)
    assert fused[0][1] == fused[1][1]
    assert [d for d, _ in fused] == ["x", "y"]  # same best rank 1 -> by id
    fused = rrf([["q", "p"]], k=60)
    assert [d for d, _ in fused] == ["q", "p"]  # rank decides, not the id


def test_rrf_ties_broken_by_the_preferred_ranking_before_the_id():
    # x and y tie (1st and 2nd in opposite lists): the preferred list orders them
    assert [d for d, _ in rrf([["y", "x"], ["x", "y"]], k=1, prefer=0)] == ["y", "x"]
    assert [d for d, _ in rrf([["y", "x"], ["x", "y"]], k=1, prefer=1)] == ["x", "y"]


def test_hybrid_ties_follow_bm25_for_dutch_and_the_dense_ranking_for_english():
    from rag.search.retrieve import fuse_hybrid
    dense, lexical = ["b", "a"], ["a", "b"]
    body = lambda cid: "body"  # noqa: E731
    assert [c for c, _ in fuse_hybrid(dense, lexical, body, 60)] == ["a", "b"]
    assert [c for c, _ in fuse_hybrid(dense, lexical, body, 60, english=True)] == ["b", "a"]
    # (by id alone both would put "a" first)


def test_rrf_single_list_and_duplicates_and_empty():
    assert rrf([], k=60) == []
    assert rrf([[], []], k=60) == []
    fused = dict(rrf([["a", "a", "b"]], k=10))
    assert fused == {"a": pytest.approx(1 / 11), "b": pytest.approx(1 / 13)}


# --------------------------------------------------------------------------- Retriever mechanics (fake embedder)


def ids(passages) -> list[str]:
    return [p.chunk.chunk_id for p in passages]


def test_search_ranks_and_scores_per_mode():
    r = fake_retriever()
    for mode in ("hybrid", "dense", "bm25"):
        ps = r.search("verbod designerdrugs", mode=mode, k=3)
        assert ps[0].chunk.chunk_id == "beta#0", mode
        assert [p.rank for p in ps] == list(range(1, len(ps) + 1))
        assert all(p.dense_score is not None and p.bm25_score is not None for p in ps)
        scores = [p.score for p in ps]
        assert scores == sorted(scores, reverse=True)
    dense = r.search("verbod designerdrugs", mode="dense", k=1)[0]
    bm25 = r.search("verbod designerdrugs", mode="bm25", k=1)[0]
    hybrid = r.search("verbod designerdrugs", mode="hybrid", k=1)[0]
    assert dense.score == dense.dense_score
    assert bm25.score == bm25.bm25_score > 0
    # fused RRF score of a document ranked 1st by both retrievers, k=60
    assert hybrid.score == pytest.approx(2 / 61)


def test_dense_score_is_the_true_cosine_even_in_bm25_mode():
    r = fake_retriever()
    emb = BagOfWordsEmbedder()
    q = "haven containers douane"
    for p in r.search(q, mode="bm25", k=3):
        want = float(emb.encode_passages([p.chunk.title + "\n" + p.chunk.text])[0] @ emb.encode_queries([q])[0])
        assert p.dense_score == pytest.approx(want, abs=1e-5)


def test_bm25_mode_returns_only_matching_chunks():
    ps = fake_retriever().search("Colombia", mode="bm25", k=5)
    assert ids(ps) == ["gamma#1"]


def test_default_k_and_mode_from_settings():
    r = fake_retriever(k=2, mode="bm25")
    ps = r.search("cocaïne haven")
    assert len(ps) == 2
    assert ps[0].score == ps[0].bm25_score


def test_k_larger_than_candidates_is_honoured():
    ps = fake_retriever(candidates=2).search("haven cocaïne drugs", k=8, mode="dense")
    assert len(ps) == 8  # every chunk, not capped at `candidates`


def test_letter_filter_applies_before_ranking():
    r = fake_retriever()
    # Unfiltered, the best hits for this query are in alpha; filtered to beta,
    # we still get k passages - the best of beta, not leftovers of a global top-k.
    ps = r.search("haven containers douane cocaïne", letters=["beta"], k=3)
    assert len(ps) == 3 and {p.chunk.letter_id for p in ps} == {"beta"}
    ps = r.search("haven", letters=["alpha", "gamma"], k=5, mode="dense")
    assert {p.chunk.letter_id for p in ps} == {"alpha", "gamma"}


def test_unknown_letter_lists_valid_ids():
    with pytest.raises(InputError) as e:
        fake_retriever().search("haven", letters=["alpha", "delta"])
    assert "delta" in e.value.message
    assert "alpha, beta, gamma" in e.value.hint


def test_unknown_letter_message_stays_short_with_many_letters(tmp_path):
    # With hundreds of letters the hint names a few, not all of them.
    chunks = [Chunk(chunk_id=f"brief-{i:02d}#0", letter_id=f"brief-{i:02d}", title=f"Brief {i}", date="",
                    kamerstuk="", pages=(1,), section="", start=0, end=9, text=f"tekst {i} haven",
                    content_hash=hashlib.sha256(f"tekst {i}".encode()).hexdigest()) for i in range(40)]
    emb = BagOfWordsEmbedder()
    build_index(chunks, emb, tmp_path, chunker_version="t", corpus_hashes={})
    r = Retriever(load_index(tmp_path, embedder_id=emb.model_id, dimension=emb.dimension), emb, Settings())
    with pytest.raises(InputError) as e:
        r.search("haven", letters=["brief-07", "onbekend"])
    assert "onbekend" in e.value.message
    assert "brief-00, brief-01, brief-02, brief-03, brief-04 en 35 meer" in e.value.hint
    assert [p.chunk.letter_id for p in r.search("haven", letters=["brief-07", "brief-31"], k=5)] \
        in (["brief-07", "brief-31"], ["brief-31", "brief-07"])


def test_date_filter_excludes_undated_chunks():
    r = fake_retriever()
    ps = r.search("cocaïne", date_from="2022", k=10, mode="dense")
    assert {p.chunk.letter_id for p in ps} == {"alpha", "beta"}  # gamma has no date
    ps = r.search("cocaïne", date_to="2022-12", k=10, mode="dense")
    assert {p.chunk.letter_id for p in ps} == {"alpha"}
    ps = r.search("cocaïne", date_from="2024-06-15", date_to="2024-06-15", k=10)
    assert {p.chunk.letter_id for p in ps} == {"beta"}
    assert r.search("cocaïne", date_from="2030") == []
    with pytest.raises(InputError):
        r.search("cocaïne", date_from="2025", date_to="2022")


def test_filters_combine():
    ps = fake_retriever().search("cocaïne", letters=["alpha", "gamma"], date_from="2020", k=10)
    assert {p.chunk.letter_id for p in ps} == {"alpha"}


def test_invalid_arguments():
    r = fake_retriever()
    with pytest.raises(InputError, match="mode"):
        r.search("haven", mode="sparse")
    for bad_k in (0, -1, 2.5, True):
        with pytest.raises(InputError):
            r.search("haven", k=bad_k)
    with pytest.raises(InputError):
        r.search("   ")
    with pytest.raises(InputError):
        r.search("x" * 5000)


def test_query_without_known_terms_still_gets_dense_results():
    ps = fake_retriever().search("xyzzy plugh", k=2)
    assert len(ps) == 2 and all(p.bm25_score == 0 for p in ps)


def test_embedder_must_match_index():
    class Other(BagOfWordsEmbedder):
        model_id = "fake/other"

    loaded = load_index(fake_index_dir(), embedder_id="fake/bow", dimension=64)
    with pytest.raises(IndexStateError, match="fake/other"):
        Retriever(loaded, Other(), Settings())


def test_search_encodes_the_query_once():
    r = fake_retriever()
    r.search("haven", mode="hybrid")
    assert r.embedder.queries == ["haven"]


# --------------------------------------------------------------------------- LangChain


def test_letter_retriever_documents_carry_citation_metadata():
    lr = LetterRetriever(retriever=fake_retriever(), options=SearchOptions(k=2))
    docs = lr.invoke("verbod designerdrugs")
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    meta = docs[0].metadata
    assert docs[0].page_content == "Het verbod op designerdrugs gaat in op 1 juli 2025."
    assert meta["chunk_id"] == "beta#0" and meta["letter_id"] == "beta"
    assert meta["rank"] == 1 and meta["page"] == 1 and meta["pages"] == [1]
    assert set(meta) == {
        "chunk_id", "letter_id", "title", "page", "pages", "kamerstuk", "date",
        "section", "score", "rank",
    }


def test_letter_retriever_per_call_overrides():
    lr = LetterRetriever(retriever=fake_retriever(), options=SearchOptions(k=3, letters=["alpha"]))
    assert {d.metadata["letter_id"] for d in lr.invoke("cocaïne")} == {"alpha"}
    docs = lr.invoke("cocaïne", letters=["gamma"], k=1, mode="bm25")
    assert [d.metadata["chunk_id"] for d in docs] == ["gamma#1"]


# The class mark lets pytest-asyncio (strict mode) run the one async standard
# test; the sync ones would warn about the mark, hence the filter. With
# asyncio_mode = "auto" in the pytest config both lines could go.
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'")
class TestLetterRetrieverStandard(RetrieversIntegrationTests):
    """langchain-tests' standard contract (k via constructor and invoke, async)."""

    @property
    def retriever_constructor(self) -> type[LetterRetriever]:
        return LetterRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": fake_retriever(), "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return "Welke landen produceren cocaïne?"


# --------------------------------------------------------------------------- real letters, real embedder

REAL_QUESTIONS = [
    ("Welke landen produceren de cocaïne die naar Europa komt?", {"toekomstagenda-internationaal"}),
    ("Hoe werkt het project Fortius in de haven van Antwerpen?", {"kamervragen-2022", "toekomstagenda-internationaal"}),
    ("Wanneer gaat het verbod op designerdrugs in?", {"voortgangsbrief-2025"}),
    ("Wat is de patseraanpak?", {"voortgangsbrief-2025"}),
    ("Wat gebeurt er met in beslag genomen luxegoederen van criminelen?", {"voortgangsbrief-2025"}),
    # Both progress letters discuss prevention among young people.
    ("Hoe wordt voorkomen dat jongeren in de drugscriminaliteit belanden?", {"voortgangsbrief-2023", "voortgangsbrief-2025"}),
    ("Wat regelt de Uithalerswet?", {"voortgangsbrief-2023"}),
    ("Wat zijn de aanbevelingen uit het eindrapport Koers bepalen?", {"regionale-aanpak"}),
    ("Wat vindt Fijnaut van de samenwerking tussen Nederland en België?", {"kamervragen-2022"}),
    ("Wat wordt er gedaan tegen Outlaw Motorcycle Gangs?", {"voortgangsbrief-2023"}),
    ("Wat doen de RIEC's in de regionale aanpak van ondermijning?", {"regionale-aanpak"}),
]


@pytest.fixture(scope="module")
def real(pipeline):
    """The real corpus, index and embedder: the session's one pipeline."""
    return pipeline.retriever


@pytest.mark.model
@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("question, letters", REAL_QUESTIONS, ids=[q[:40] for q, _ in REAL_QUESTIONS])
def test_real_question_finds_right_letter_in_top_3(real, question, letters, mode):
    top = real.search(question, k=3, mode=mode)
    assert {p.chunk.letter_id for p in top} & letters, [p.chunk.chunk_id for p in top]


@pytest.mark.model
def test_real_hybrid_top1_mostly_right(real):
    hits = sum(real.search(q, k=1)[0].chunk.letter_id in want for q, want in REAL_QUESTIONS)
    assert hits >= len(REAL_QUESTIONS) - 1


@pytest.mark.model
def test_real_passages_are_self_consistent(real):
    ps = real.search("Welke landen produceren de cocaïne die naar Europa komt?", k=5)
    assert [p.rank for p in ps] == [1, 2, 3, 4, 5]
    assert len({p.chunk.chunk_id for p in ps}) == 5
    assert all(0.0 < p.dense_score <= 1.0 + 1e-5 for p in ps)
    assert "Colombia" in " ".join(p.chunk.text for p in ps)


@pytest.mark.model
def test_real_letter_filter(real):
    ps = real.search("Welke landen produceren de cocaïne?", letters=["regionale-aanpak"], k=4)
    assert len(ps) == 4 and {p.chunk.letter_id for p in ps} == {"regionale-aanpak"}
    with pytest.raises(InputError) as e:
        real.search("cocaïne", letters=["toekomstagenda"])
    for valid in ("toekomstagenda-internationaal", "voortgangsbrief-2025", "kamervragen-2022"):
        assert valid in e.value.hint


@pytest.mark.model
def test_real_langchain_retriever(real):
    docs = LetterRetriever(retriever=real, options=SearchOptions(k=3)).invoke("Wat is de patseraanpak?")
    assert len(docs) == 3 and docs[0].metadata["letter_id"] == "voortgangsbrief-2025"
    assert re.search(r"patser", docs[0].page_content, re.I)


@pytest.mark.model
def test_real_search_is_fast_once_warm(real, monkeypatch):
    """A warm search does no per-index work (BM25, letter masks and dates are
    built with the Retriever): it encodes and tokenises its own query, nothing
    else. How many ms that takes is printed by bench/bench_latency_checks.py."""
    import bm25s

    from rag.search import retrieve as retrieve_mod

    q = "Wanneer gaat het verbod op designerdrugs in?"
    qvec = real.embedder.encode_queries([q])

    class Precomputed:
        model_id = real.embedder.model_id

        def __init__(self):
            self.asked: list[str] = []

        def encode_queries(self, texts):
            self.asked.extend(texts)
            return qvec

    fast = Retriever(real.index, Precomputed(), real.settings)
    tokenised: list[str] = []
    tokenize = retrieve_mod.tokenize
    monkeypatch.setattr(retrieve_mod, "tokenize", lambda text: tokenised.append(text) or tokenize(text))

    def reindex(*args, **kwargs):
        raise AssertionError("a search rebuilt the BM25 index")

    monkeypatch.setattr(bm25s.BM25, "index", reindex)
    for mode in ("hybrid", "dense", "bm25"):
        for _ in range(3):
            ps = fast.search(q, mode=mode, letters=["voortgangsbrief-2025", "kamervragen-2022"])
            assert ps and {p.chunk.letter_id for p in ps} <= {"voortgangsbrief-2025", "kamervragen-2022"}
    assert fast.embedder.asked == [q] * 9  # one encoding per search, of the query alone
    assert set(tokenised) == {q}  # no chunk text is tokenised again
