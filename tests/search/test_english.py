"""English questions over Dutch letters (rag.search.english): the pure expansion on
a hand-made lexicon and vocabulary, the word-list readers (CLDR from Babel's
wheel, a FreeDict dictionary in dictd format written here), and the
retriever and answerer using it."""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from rag.search import english
from rag.answer.extractive import lexical_coverage, weighted_coverage
from rag.search.english import Vocabulary, build_lexicon, expand, terms
from rag.search.question import is_english
from rag.textnl import tokenize

# A vocabulary as an index has it: Dutch stems and their idf (low: common).
IDF = {tokenize(w)[0]: idf for w, idf in [
    ("douane", 2.0), ("gebruik", 1.0), ("klant", 3.0), ("gewoonte", 3.5), ("zede", 4.0), ("haven", 1.5),
    ("verbod", 3.0), ("pilot", 3.0), ("proef", 2.5), ("verenigde", 3.0), ("staten", 2.0), ("coalitie", 3.0),
    ("land", 1.2), ("regio", 2.0)]}
assert {"douan", "hav", "verenigd", "stat"} <= set(IDF)  # the stems the tests below name
LEXICON = build_lexicon([
    ("customs", "douane"), ("customs", "gebruik"), ("customs", "klant"), ("customs", "gewoonte"),
    ("customs", "zede"), ("customs", "usance"),  # usance: not in the letters
    ("port", "haven"), ("ban", "verbod"), ("pilot", "proef"), ("United States", "Verenigde Staten"),
    ("country", "land"), ("to sign", "ondertekenen"),
])


def vocab() -> Vocabulary:
    return Vocabulary(IDF)


def test_each_word_weighs_one_spread_over_its_commonest_translations():
    got = expand("customs", LEXICON, vocab())
    # five translations in the letters, the three commonest kept (lowest idf)
    assert got == pytest.approx({"gebruik": 1 / 3, "douan": 1 / 3, "klant": 1 / 3})
    assert expand("customs", LEXICON, vocab(), top=1) == pytest.approx({"gebruik": 1.0})
    assert expand("port ban", LEXICON, vocab()) == pytest.approx({"hav": 1.0, "verbod": 1.0})


def test_inflected_english_words_find_their_entry():
    assert expand("countries", LEXICON, vocab()) == pytest.approx({"land": 1.0})


def test_a_word_the_letters_use_keeps_its_own_token_beside_its_translation():
    assert expand("pilot", LEXICON, vocab()) == pytest.approx({"pilot": 0.5, "proef": 0.5})


def test_a_name_of_several_words_is_translated_whole():
    got = expand("the United States", LEXICON, vocab())
    assert got == pytest.approx({"verenigd": 1.0, "stat": 1.0})  # two words, two tokens


def test_stopwords_add_nothing_and_unmatched_words_keep_their_own_token():
    got = terms("What is the pilot about, and why?", LEXICON, vocab())
    assert [t.english for t in got] == ["pilot"]
    assert expand("zebra", LEXICON, vocab()) == {"zebra": 1.0}  # matches nothing, still asked


def test_cognates_only_for_words_the_letters_do_not_use():
    assert expand("coalition", LEXICON, vocab()) == {"coalitie": 1.0}
    assert Vocabulary({"coalition": 1.0, "coalitie": 2.0}).cognates("coalition") == ["coalitie"]
    assert expand("coalition", {}, Vocabulary({"coalition": 1.0, "coalitie": 2.0})) == {"coalition": 1.0}
    assert expand("region", {}, vocab()) == {"regio": 1.0}
    # the shared prefix must be most of both words
    assert Vocabulary({"programma": 1.0, "programmeur": 1.0}).cognates("program") == ["programma"]
    assert Vocabulary({"transportsector": 1.0}).cognates("transit") == []
    assert Vocabulary({"regio": 1.0}).cognates("reg") == []


def test_build_lexicon_keys_by_english_stems_and_drops_empty_sides():
    lex = build_lexicon([("to sign", "ondertekenen"), ("Latin America", "Latijns-Amerika"), ("the", "de")])
    assert lex[english.english_key("signs")] == (tuple(tokenize("ondertekenen")),)
    assert lex[("latin", "america")] == (tuple(tokenize("Latijns-Amerika")),)
    assert len(lex) == 2  # "the" is a stopword: no key


def test_cldr_names_come_from_babels_wheel():
    pairs = set(english.cldr_pairs())
    assert {("Morocco", "Marokko"), ("Latin America", "Latijns-Amerika"), ("Dutch", "Nederlands"),
            ("June", "juni")} <= pairs
    lex = english.load_lexicon("")
    assert tuple(tokenize("Marokko")) in lex[english.english_key("Morocco")]


# --------------------------------------------------------------------------- FreeDict (dictd format)

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(folder: Path, name: str, entries: list[tuple[str, str]]) -> None:
    """A dictionary as Debian's dict-freedict-* packages install it."""
    data, index = b"", [f"00-database-info\t{_b64(0)}\t{_b64(0)}"]
    for head, body in entries:
        raw = f"{head} /ipa/\n{body}\n".encode()
        index.append(f"{head}\t{_b64(len(data))}\t{_b64(len(raw))}")
        data += raw
    (folder / f"{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    with gzip.open(folder / f"{name}.dict.dz", "wb") as fh:
        fh.write(data)


@pytest.fixture
def freedict(tmp_path) -> Path:
    write_dictd(tmp_path, english.FREEDICT_EN_NL, [
        ("port", "1. haven\n2. poort, aansluitpoort"),
        ("to ban", "verbieden (wet)"),
    ])
    write_dictd(tmp_path, english.FREEDICT_NL_EN, [("verbod", "ban, prohibition"), ("douane", "customs"),
                                                   ("stoffen", "substances"), ("middelen", "means, substances")])
    return tmp_path


def test_dictd_entries_split_senses_and_drop_notes(freedict):
    assert dict(english.dictd_entries(freedict, english.FREEDICT_EN_NL)) == {
        "port": ["haven", "poort", "aansluitpoort"], "to ban": ["verbieden"]}


def test_freedict_is_read_both_ways(freedict):
    pairs = set(english.freedict_pairs(freedict))
    assert {("port", "haven"), ("ban", "verbieden"), ("ban", "verbod"), ("customs", "douane")} <= pairs


def test_without_freedict_the_cldr_names_remain(tmp_path):
    english.load_lexicon.cache_clear()
    assert english.load_lexicon(str(tmp_path / "missing")) == english.load_lexicon("")


# --------------------------------------------------------------------------- retriever and answerer


QUESTION = "When does the ban on designer drugs take effect?"


@pytest.fixture
def retriever(freedict):
    from tests.support.fakes import fake_retriever

    english.load_lexicon.cache_clear()
    yield lambda **kw: fake_retriever(freedict_dir=str(freedict), **kw)
    english.load_lexicon.cache_clear()


def test_an_english_question_reaches_the_dutch_passage_in_bm25(retriever):
    assert is_english(QUESTION)
    r = retriever()
    assert r.english_terms(QUESTION)["verbod"] > 0
    assert [p.chunk.chunk_id for p in r.search(QUESTION, mode="bm25", k=3)][0] == "beta#0"
    plain = retriever(expand_english=False)
    assert plain.english_terms(QUESTION) is None
    assert "beta#0" not in [p.chunk.chunk_id for p in plain.search(QUESTION, mode="bm25", k=3)]


def test_weighted_bm25_is_each_tokens_score_times_its_weight(retriever):
    r = retriever()
    question = "Which new psychoactive substances are banned?"
    weights = r.english_terms(question)
    assert weights[tokenize("stoffen")[0]] == weights[tokenize("middelen")[0]] == pytest.approx(0.5)
    bm25 = r.index.bm25
    want = sum(w * np.asarray(bm25.get_scores([t])) for t, w in weights.items() if t in bm25.vocab_dict)
    assert np.allclose(lexical_scores(r, question), want, atol=1e-6)


def test_dutch_questions_are_searched_as_before(retriever):
    r = retriever()
    q = "Wanneer gaat het verbod op designerdrugs in?"
    assert r.english_terms(q) is None
    assert np.array_equal(lexical_scores(r, q), np.asarray(r.index.bm25.get_scores(tokenize(q)), dtype=np.float32))


def lexical_scores(r, question: str) -> np.ndarray:
    """The BM25 score of every chunk for `question`, as the file index's rankers give them."""
    from rag.config import SearchOptions
    from rag.filters import Scope
    from rag.store.rankers import Question, Where

    q = Question(np.zeros(r.index.manifest.dimension, np.float32), r.terms(question), Where(None, Scope(), SearchOptions()))
    with r.rankers.open(q) as ranking:
        return np.asarray(ranking.scores(range(len(r.chunks)))[1], dtype=np.float32)


def test_weighted_coverage():
    idf = {"verbod": 3.0, "drug": 1.0}
    q = {"verbod": 1.0, "drug": 0.5, "zebra": 1.0}  # zebra: unknown, idf 1
    assert weighted_coverage(q, {"verbod", "drug"}, idf) == pytest.approx(3.5 / 4.5)
    assert weighted_coverage(q, {"zebra"}, idf) == pytest.approx(1 / 4.5)
    assert weighted_coverage({}, {"verbod"}, idf) == 0.0


def test_an_english_questions_sentences_are_scored_on_its_translations_too():
    from tests.support.fakes import CAL, answerer, chunk, passages

    text = "Het verbod op designerdrugs gaat in op 1 juli 2025. De gemeente krijgt er geld voor."
    corpus = [chunk("a:1", text), chunk("a:2", "Het kabinet investeert in de haven.")]
    a = answerer(corpus)
    ps = passages(*corpus, question=QUESTION)
    # without translations the dense similarity is the whole score
    assert all(c.lexical == c.dense for c in a.score(QUESTION, ps, english=True))
    weights = {"verbod": 1.0, "effect": 1.0}
    a.english_terms = lambda question: weights
    scored = {c.text: c for c in a.score(QUESTION, ps, english=True)}
    ban, money = scored["Het verbod op designerdrugs gaat in op 1 juli 2025."], scored["De gemeente krijgt er geld voor."]
    cov = weighted_coverage(weights, set(tokenize(ban.text)), a.idf)
    assert cov > 0
    assert ban.lexical == pytest.approx(CAL.w_translated * cov + (1 - CAL.w_translated) * ban.dense)
    assert money.lexical == pytest.approx((1 - CAL.w_translated) * money.dense)
    assert ban.score > money.score
    # a Dutch question is scored on its own words, translations or not
    nl = "Wanneer gaat het verbod in?"
    for c in a.score(nl, ps, english=False):
        assert c.lexical == lexical_coverage(tokenize(nl), set(tokenize(c.text)), a.idf)


def test_settings_from_the_environment(monkeypatch):
    from rag.config import load_settings

    monkeypatch.delenv("RAG_EXPAND_ENGLISH", raising=False)
    monkeypatch.delenv("RAG_FREEDICT_DIR", raising=False)
    s = load_settings()
    assert s.expand_english is True and s.freedict_dir == "/usr/share/dictd"
    monkeypatch.setenv("RAG_EXPAND_ENGLISH", "0")
    monkeypatch.setenv("RAG_FREEDICT_DIR", "")  # empty: FreeDict left out
    s = load_settings()
    assert s.expand_english is False and s.freedict_dir == ""
