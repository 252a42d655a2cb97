"""Metric functions of eval/ against hand-computed references. No models:
these run in milliseconds (the gate over the real pipeline is
tests/system/test_eval_gate.py)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from eval import metrics as M
from eval import report as R
from eval.scoring import HEADLINE, aggregate, exclude_source_rows, failures, retrieval_row, summarise_exclusion


def words(text: str) -> list[str]:
    """Stand-in tokenizer: lower-cased words of 3+ letters."""
    return [w for w in text.lower().replace(".", " ").split() if len(w) >= 3]


# ------------------------------------------------------------------ normalisation


def test_loose_joins_line_break_hyphens_and_whitespace():
    assert M.loose("georgani-\nseerde criminaliteit") == M.loose("georganiseerde  criminaliteit")
    assert M.loose("FIU-\nNederland") == M.loose("FIU-Nederland") == "FIUNederland"
    assert M.loose("samen\u00adwerking") == "samenwerking"  # soft hyphen
    assert M.loose("1\u00a0juli") == "1juli"  # NBSP (also folded by NFKC)
    assert M.loose("\ufb01nanciële") == "financiële"  # ligature fi, NFKC


def test_loose_keeps_case_and_composes_diacritics():
    assert M.loose("Colombia") != M.loose("colombia")
    assert M.loose("Yes\u0327ilgo\u0308z") == "Yeşilgöz"  # combining cedilla/diaeresis


def test_is_gold_is_loose_containment_of_any_quote():
    passage = "De landen waar cocaïne geproduceerd wordt zijn duidelijk identi-\nficeerbaar, namelijk Colombia."
    assert M.is_gold(passage, ["geproduceerd wordt zijn duidelijk identificeerbaar"])
    assert M.is_gold(passage, ["niet aanwezig", "namelijk Colombia."])
    assert not M.is_gold(passage, ["namelijk Peru"])
    assert not M.is_gold(passage, [])
    assert not M.is_gold(passage, ["  "])  # an empty quote is no evidence


def test_quotes_found_per_quote():
    assert M.quotes_found(["a b c", "d e"], ["b c", "c d", "d e"]) == [True, False, True]


# ----------------------------------------------------------------------- retrieval


def test_hit_at_k():
    rels = [False, True, False]
    assert [M.hit_at_k(rels, k) for k in (1, 2, 3, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert M.hit_at_k([], 5) == 0.0


def test_reciprocal_rank():
    assert M.reciprocal_rank([False, False, True, True]) == pytest.approx(1 / 3)
    assert M.reciprocal_rank([True]) == 1.0
    assert M.reciprocal_rank([False] * 10) == 0.0


def test_ndcg_tiny_example():
    # Gold at ranks 2 and 3, two gold passages in the collection:
    # DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5 = 1.13093
    # IDCG = 1/log2(2) + 1/log2(3) = 1.63093 -> nDCG = 0.69342
    rels = [False, True, True]
    assert M.dcg(rels, 3) == pytest.approx(1.130930, abs=1e-6)
    assert M.ndcg_at_k(rels, 3, n_relevant=2) == pytest.approx(0.693426, abs=1e-6)
    # Three gold passages in the collection: IDCG = 2.13093 -> 0.530721
    assert M.ndcg_at_k(rels, 3, n_relevant=3) == pytest.approx(0.530721, abs=1e-6)
    # The cut-off: gold at rank 3 does not count at k=2.
    assert M.ndcg_at_k(rels, 2, n_relevant=2) == pytest.approx(0.63093 / 1.63093, abs=1e-5)
    assert M.ndcg_at_k([True, False], 10, n_relevant=1) == 1.0
    assert M.ndcg_at_k([False, False], 10, n_relevant=0) == 0.0


def test_ndcg_never_exceeds_one_when_the_count_is_too_low():
    # More gold retrieved than the caller counted: the ideal grows with it.
    assert M.ndcg_at_k([True, True, True], 3, n_relevant=1) == pytest.approx(1.0)


def test_retrieval_row_from_passage_texts():
    texts = ["niets", "ook niets", "hier staat het citaat wel", "nog eens het citaat"]
    row = retrieval_row(texts, ["het citaat"], n_relevant=2)
    assert (row["hit@1"], row["hit@3"], row["hit@5"]) == (0.0, 1.0, 1.0)
    assert row["mrr"] == pytest.approx(1 / 3)
    assert row["gold_ranks"] == [3, 4]
    expected = (1 / math.log2(4) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert row["ndcg@10"] == pytest.approx(expected)


# ------------------------------------------------------------------------- answers


def test_key_fact_recall_any_variant_case_insensitive():
    facts = [["96.676", "96676"], ["Colombia"], ["1 juli 2025", "July 1, 2025"]]
    assert M.key_fact_recall("In totaal 96676 meldingen; COLOMBIA.", facts) == pytest.approx(2 / 3)
    assert M.key_fact_recall("Per july 1, 2025.", facts) == pytest.approx(1 / 3)
    assert M.key_fact_recall("niets", facts) == 0.0
    assert M.key_fact_recall("wat dan ook", []) is None
    assert M.missing_key_facts("96.676", facts) == ["Colombia", "1 juli 2025"]


def test_key_fact_matching_squashes_whitespace():
    assert M.key_fact_recall("op 1\njuli  2025", [["1 juli 2025"]]) == 1.0


def test_key_fact_matching_composes_letters():
    # A quote from a PDF may spell "ş" as s + a combining cedilla.
    assert M.key_fact_recall("A. Pas\u0327a", [["Pa\u015fa"]]) == 1.0


def test_claims_split_at_marker_groups():
    text = "Het staat in de brief. [1] Het tweede deel, o.a. nr. 355. [2][3] En een staart zonder bron."
    assert M.claims(text) == [
        ("Het staat in de brief.", [1]),
        ("Het tweede deel, o.a. nr. 355.", [2, 3]),
        ("En een staart zonder bron.", []),
    ]
    assert M.claims("Zin. [1] [2]") == [("Zin.", [1, 2])]
    assert M.claims("Eerste [1]. Tweede [2].") == [("Eerste", [1]), ("Tweede", [2])]
    assert M.claims("Zin [1-3].") == [("Zin", [1, 2, 3])]
    assert M.parse_markers("[1][3]") == [1, 3] and M.parse_markers("[1, 5]") == [1, 5]
    assert M.claims("") == []
    assert M.strip_markers("A. [1] B. [2][3]") == "A. B."


def test_faithfulness_extractive_is_verbatim_in_the_cited_passage():
    passages = {1: "Eerste zin staat hier.\nTweede   zin ook.", 2: "Iets heel anders."}
    assert M.faithfulness("Eerste zin staat hier. [1] Tweede zin ook. [1]", passages, extractive=True) == 1.0
    # cited the wrong passage / unknown passage / no marker at all
    assert M.faithfulness("Eerste zin staat hier. [2] Tweede zin ook. [1]", passages, extractive=True) == 0.5
    assert M.faithfulness("Eerste zin staat hier. [9]", passages, extractive=True) == 0.0
    assert M.faithfulness("Eerste zin staat hier.", passages, extractive=True) == 0.0
    assert M.faithfulness("", passages, extractive=True) is None


def test_faithfulness_generative_uses_token_overlap():
    passages = {1: "De minister heeft Colombia Bolivia en Peru genoemd als productielanden."}
    # 4 of 5 content tokens in the passage = 0.8 >= 0.6
    assert M.faithfulness("Productielanden: Colombia, Bolivia, Peru, Ecuador. [1]".replace(",", ""),
                          passages, extractive=False, tokenize=words) == 1.0
    # 1 of 4 = 0.25 < 0.6
    assert M.faithfulness("Mexico Ecuador Venezuela Colombia. [1]", passages, extractive=False, tokenize=words) == 0.0
    assert M.token_overlap("Mexico Ecuador Venezuela Colombia.", passages[1], words) == pytest.approx(0.25)


def test_quote_supports_needs_shared_content_words():
    assert M.quote_supports("Colombia en Peru produceren", ["Peru en Colombia."], words)
    assert not M.quote_supports("Colombia en Bolivia", ["Peru produceert Colombia niet wel"], words)  # one shared word
    assert not M.quote_supports("Iets anders geheel", ["Peru en Colombia."], words)
    assert M.quote_supports("Over Peru", ["Peru"], words)  # a one-word claim needs its one word


# ---------------------------------------------------------------------- aggregates


def test_percentile_linear_interpolation():
    xs = list(range(1, 11))
    assert M.percentile(xs, 50) == pytest.approx(5.5)
    assert M.percentile(xs, 95) == pytest.approx(9.55)
    assert M.percentile([], 50) is None


def test_mean_skips_not_applicable():
    assert M.mean([1.0, None, 0.0]) == 0.5
    assert M.mean([None]) is None


def test_bootstrap_is_reproducible_and_sane():
    xs = [0.12, 0.5, 0.33, 0.91, 0.05, 0.77, 0.64, 0.2, 0.48, 0.99]
    a = M.bootstrap_ci(xs, seed=0)
    assert a == M.bootstrap_ci(xs, seed=0)  # fixed seed -> same interval
    assert a != M.bootstrap_ci(xs, seed=1)
    lo, hi = a
    assert lo < sum(xs) / len(xs) < hi and 0.05 < lo < hi < 0.99
    assert M.bootstrap_ci([0.5] * 5) == (0.5, 0.5)
    assert M.bootstrap_ci([None, None]) is None
    # independent check: the same resampling written out by hand
    rng = np.random.default_rng(0)
    means = np.asarray(xs)[rng.integers(0, 10, size=(1000, 10))].mean(axis=1)
    assert a == pytest.approx((np.quantile(means, 0.025), np.quantile(means, 0.975)))


def _row(id_, answerable=True, procedural=False, **kw):
    base = {"id": id_, "set": "letters", "lang": "nl", "question": f"vraag {id_}?",
            "answerable": answerable, "procedural": procedural}
    base.update(kw)
    return base


def test_aggregate_counts_each_metric_over_its_own_questions():
    rows = [
        _row("a", **{"hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0, "hit@10": 1.0, "mrr": 1.0, "ndcg@10": 1.0},
             abstained=False, key_fact_recall=1.0, faithfulness=1.0, latency_ms=10.0,
             citations=[{"n": 1, "in_passage": True, "supporting": True, "gold": True}]),
        _row("b", **{"hit@1": 0.0, "hit@3": 0.0, "hit@5": 1.0, "hit@10": 1.0, "mrr": 0.25, "ndcg@10": 0.4},
             abstained=True, key_fact_recall=0.0, latency_ms=30.0, citations=[]),
        _row("c", answerable=False, abstained=True, latency_ms=20.0, citations=[]),
        _row("d", answerable=False, abstained=False, faithfulness=0.5, latency_ms=40.0,
             citations=[{"n": 1, "in_passage": False, "supporting": True, "gold": None}]),
    ]
    agg = aggregate(rows, resamples=200)
    assert agg["n"] == 4 and agg["n_answerable"] == 2 and agg["n_unanswerable"] == 2
    assert agg["hit@1"] == 0.5 and agg["hit@5"] == 1.0 and agg["mrr"] == 0.625
    assert agg["key_fact_recall"] == 0.5
    assert agg["abstention_accuracy"] == 0.5
    assert agg["false_refusal_rate"] == 0.5
    assert agg["faithfulness"] == 0.75  # over answered questions only (a, d)
    assert agg["citation_quote_in_passage"] == 0.5 and agg["citation_gold_precision"] == 1.0
    assert agg["latency_p50_ms"] == 25.0
    assert set(agg["ci95"]) == set(HEADLINE)
    names = {f["id"]: f["why"] for f in failures(rows)}
    assert "refused an answerable question" in names["b"]
    assert any("answered an unanswerable" in w for w in names["d"])
    assert "a" not in names and "c" not in names


def test_partial_counts_as_refusal_and_off_topic_is_counted_apart():
    rows = [
        _row("a", abstained=True, status="partial", key_fact_recall=0.0, citations=[]),
        _row("b", abstained=False, status="answered", key_fact_recall=1.0, answer_chars=120, citations=[]),
        _row("c", answerable=False, abstained=True, status="partial", kind="near_miss", citations=[]),
        _row("d", answerable=False, abstained=True, status="not_found", kind="off_topic", citations=[]),
        _row("e", answerable=False, abstained=False, status="answered", kind="off_topic", citations=[]),
    ]
    agg = aggregate(rows, resamples=10)
    assert agg["false_refusal_rate"] == 0.5 and agg["abstention_accuracy"] == 2 / 3
    assert agg["near_miss_refused"] == 1.0 and agg["off_topic_refused"] == 0.5
    assert agg["off_topic_not_found"] == 0.5 and agg["partial_rate"] == 0.4
    assert agg["answer_chars_median"] == 120


def test_exclude_source_classification():
    items = [
        {"id": "kv-1", "evidence": [{"letter_id": "kv", "quote": "x"}, {"letter_id": "other", "quote": "y"}]},
        {"id": "kv-2", "evidence": [{"letter_id": "kv", "quote": "z"}]},
        {"id": "kv-3", "evidence": [{"letter_id": "kv", "quote": "w"}]},
    ]
    rows = [
        {"id": "kv-1", "abstained": False, "citations": [{"gold": True}], "key_fact_recall": 0.0,
         "gold_ranks": [2], "answer": "y [1]"},
        {"id": "kv-2", "abstained": True, "citations": [], "key_fact_recall": 0.0, "answer": "Dat staat niet..."},
        {"id": "kv-3", "abstained": False, "citations": [{"gold": False}], "key_fact_recall": 0.0, "answer": "q [1]"},
    ]
    out = exclude_source_rows(rows, items, "kv")
    assert [(r["expected"], r["outcome"], r["ok"]) for r in out] == [
        ("answer", "answered from other letters", True),
        ("refuse", "refused", True),
        ("refuse", "answered without support", False),
    ]
    s = summarise_exclusion(out)
    assert (s["answered_from_other_letters"], s["refused"], s["answered_without_support"], s["ok"]) == (1, 1, 1, 2)


# ------------------------------------------------------------------------- reports


def _report():
    agg = {"n": 2, "n_answerable": 1, "n_unanswerable": 1, "hit@1": 1.0, "hit@5": 1.0, "mrr": 1.0,
           "ndcg@10": 1.0, "key_fact_recall": 0.5, "abstention_accuracy": 1.0,
           "ci95": {"hit@1": [1.0, 1.0], "key_fact_recall": [0.0, 1.0]}}
    return {
        "timestamp": "2026-01-01T00:00:00+00:00", "git": {"commit": "abcdef1234567", "dirty": False},
        "config": {"set": "letters", "mode": "hybrid", "generator": "extractive", "k": 5, "retrieval_k": 10,
                   "embedder": "e", "bootstrap": {"resamples": 1000, "seed": 0}},
        "primary": "hybrid", "duration_s": 1.0, "failures": [], "exclude_source": None,
        "configs": {"hybrid": {"label": "(d) hybrid", "passages": 3, "rows": [], "aggregates": {"letters": agg}}},
    }


def test_readme_block_is_replaced_between_markers_only(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\nvoor\n{R.START}\noud getal 12%\n{R.END}\nna\n", encoding="utf-8")
    R.update_readme(readme, _report(), "r.json")
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# T\n\nvoor\n") and text.endswith(f"{R.END}\nna\n")
    assert "oud getal" not in text and "| (d) hybrid | letters (n=2) | 3 | 100.0% |" in text
    assert "50.0% [0.0%, 100.0%]" in text and "`abcdef1234`" in text
    once = text
    R.update_readme(readme, _report(), "r.json")
    assert readme.read_text(encoding="utf-8") == once  # idempotent


def test_readme_without_markers_is_an_error(tmp_path):
    from eval.__main__ import main

    readme = tmp_path / "README.md"
    readme.write_text("# geen markers\n", encoding="utf-8")
    with pytest.raises(LookupError, match="eval:start"):
        R.update_readme(readme, _report())
    rep = tmp_path / "r.json"
    rep.write_text(json.dumps(_report()), encoding="utf-8")
    assert main(["readme", str(rep), "--readme", str(readme)]) == 2
    assert readme.read_text(encoding="utf-8") == "# geen markers\n"


def test_markdown_and_console_render():
    rep = _report()
    assert "Evaluation report" in R.markdown(rep)
    assert "hybrid" in R.console(rep)


# ----------------------------------------------------------- LangChain baseline


class _FakeEmbedder:
    """Bag-of-letters vectors: enough for FAISS to rank, no model needed."""

    model_id = "fake"
    dimension = 26

    def _vec(self, text):
        v = np.zeros(26, np.float32)
        for ch in text.lower():
            if "a" <= ch <= "z":
                v[ord(ch) - 97] += 1
        return v / (np.linalg.norm(v) or 1.0)

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return np.stack([self._vec(t) for t in texts])

    def encode_queries(self, texts, batch_size=32):
        return np.stack([self._vec(t) for t in texts])


def test_langchain_baseline_splits_raw_files_and_caches(tmp_path):
    from eval.baselines import LangChainBaseline
    from rag.config import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(("zzz " * 300) + "\nDe georgani-\nseerde misdaad.\n", encoding="utf-8")
    (corpus / "a.json").write_text(json.dumps({"letter_id": "brief-a", "file": "a.txt"}), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, cache_dir=tmp_path / "cache")
    b = LangChainBaseline.build(settings, _FakeEmbedder())
    assert len(b.texts) >= 2 and max(len(t) for t in b.texts) <= 1000
    assert any(M.is_gold(t, ["De georganiseerde misdaad."]) for t in b.texts)
    assert (tmp_path / "cache" / "eval").is_dir()
    again = LangChainBaseline.build(settings, _FakeEmbedder())  # from the cache
    assert again.search("zzz", 1) == b.search("zzz", 1)
    assert b.store.similarity_search("zzz", k=1)[0].metadata["letter_id"] == "brief-a"


# --------------------------------------------------------------------- LLM judge


def test_judge_parses_verdicts_over_a_real_http_server():
    from eval.judge import make_judge
    from tests.support.fake_openai_server import FakeOpenAIServer
    from rag.config import Settings

    item = {"question": "Welke landen?", "reference_answer": "Colombia, Bolivia en Peru."}
    verdicts = iter(["JUIST", "Onjuist, want ...", "misschien"])
    with FakeOpenAIServer(reply=lambda body: next(verdicts)) as s:
        judge = make_judge(Settings(llm_base_url=s.base_url, llm_model="fake-model"))
        assert judge(item, "Colombia en Peru. [1]") is True
        assert judge(item, "Mexico. [1]") is False
        assert judge(item, "Colombia. [1]") is None  # unparseable: not counted
        assert judge(item, "") is False  # a refusal is not sent
        prompt = s.chat_requests[0].content_of("user")
    assert "Colombia, Bolivia en Peru." in prompt and "[1]" not in prompt
    assert len(s.chat_requests) == 3


def test_judge_needs_a_configured_server():
    from eval.judge import make_judge
    from rag.config import Settings

    with pytest.raises(SystemExit, match="RAG_LLM_BASE_URL"):
        make_judge(Settings(llm_base_url="", llm_model=""))


@pytest.mark.parametrize("quote, furniture", [
    ("Vragen van het lid Jansen (XYZ) aan de Minister over fietsen (ingezonden 3 mei 2031).", True),
    ("Antwoord van minister Pietersen (Infrastructuur) (ontvangen 20 mei 2031). Het kabinet deelt de zorg.", True),
    ("(ingezonden 3 mei 2031). Het kabinet deelt de zorg over de fietsendiefstal.", True),
    ("Hierbij laat ik u weten dat de vragen van het lid Jansen (ingezonden 3 mei 2031) later worden "
     "beantwoord, omdat het onderzoek naar de stallingen nog loopt.", False),
])
def test_furniture_is_a_header_not_a_sentence_that_names_its_date(quote, furniture):
    assert M.is_furniture(quote) is furniture
