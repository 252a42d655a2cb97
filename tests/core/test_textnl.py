"""The Dutch text module: folding, tokens, stopwords, stems (rag.textnl)."""
from __future__ import annotations

import pytest

from rag.textnl import STOPWORDS_NL, content_words, fold, raw_tokens, tokenize


def test_fold_diacritics_so_cocaine_matches():
    assert fold("Cocaïne") == "cocaine"
    assert tokenize("cocaïne") == tokenize("cocaine") == tokenize("COCAÏNE")
    assert fold("ĳzer") == "ijzer"


def test_numbers_are_tokens_and_thousands_separators_vanish():
    assert raw_tokens("In 2022 werd 96.676 kilo onderschept") == [
        "in", "2022", "werd", "96676", "kilo", "onderschept",
    ]
    assert tokenize("96.676") == tokenize("96676") == ["96676"]
    assert raw_tokens("1.234.567 euro") == ["1234567", "euro"]
    assert raw_tokens("1,5 miljard") == ["1,5", "miljard"]  # decimal comma kept
    assert raw_tokens("paragraaf 2.3") == ["paragraaf", "2", "3"]  # not a thousands group


def test_split_on_punctuation_and_drop_single_letters():
    assert raw_tokens("3-MMC, GHB/lachgas (a) e.d.") == ["3", "mmc", "ghb", "lachgas"]


def test_stopwords_removed_content_words_kept():
    tokens = tokenize("Wanneer gaat het verbod op designerdrugs in?")
    assert tokens[-2:] == ["verbod", "designerdrug"] and len(tokens) == 3  # + "gaat"
    assert len(STOPWORDS_NL) >= 100
    for content in ("drugs", "verbod", "haven", "politie", "minister", "kabinet"):
        assert content not in STOPWORDS_NL
    # the list is written folded, as tokens are looked up after folding
    assert all(w == fold(w) for w in STOPWORDS_NL)


@pytest.mark.parametrize(
    "a, b",
    [
        ("maatregelen", "maatregel"),
        ("verboden", "verbod"),
        ("criminelen", "crimineel"),
        ("gemeenten", "gemeente"),
        ("landen", "land"),
        ("drugs", "drug"),
        ("netwerken", "netwerk"),
        ("producenten", "producent"),
    ],
)
def test_stemming_conflates_inflections(a, b):
    assert tokenize(a) == tokenize(b)


def test_empty_and_stopword_only_text():
    assert tokenize("") == []
    assert tokenize("de het een, van?") == []


def test_content_words_drop_function_words_of_both_languages():
    assert content_words("De minister and the ports of Rotterdam") == {"minister", "ports", "rotterdam"}
