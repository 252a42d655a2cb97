"""The Dutch text module: folding, words, stopwords, stems and month names,
shared by retrieval, question reading, answering, citations and the eval.

    fold()        lowercase, diacritics off
    raw_tokens()  folded words and numbers
    tokenize()    BM25 tokens: raw_tokens without stopwords, words stemmed
    content_words()  the words of a text that carry meaning (either language)
    numberised()  Dutch number words as digits (text2num)
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
MONTHS_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)


def fold(text: str) -> str:
    """Lowercase and strip diacritics ("cocaïne" -> "cocaine", "ĳ" -> "ij")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# "dutch_porter" over Snowball "dutch": measured on plural/singular pairs common
# in these letters, Snowball "dutch" fails maatregelen/maatregel,
# verboden/verbod and criminelen/crimineel (and turns gemeente into "meen");
# Porter fails fewer words that matter here (see tests/search/test_retrieve.py).
STEMMER_ALGORITHM = "dutch_porter"

# bm25s's Dutch stopwords, plus question words (queries are questions and
# letters are not: "welke", "hoe" only add noise to BM25), pronominal adverbs
# and conjunctions it lacks. Content words frequent in this corpus (drugs,
# minister, kabinet) stay: BM25's idf already damps them. Diacritic-free, as
# tokens are folded before the lookup.
STOPWORDS_NL: frozenset[str] = frozenset(fold(w) for w in STOPWORDS_DUTCH) | frozenset(
    """
    af alle alsof binnen boven daarom hadden hebt hen hoewel jij jou jouw jullie konden kunt
    moeten mocht noch ondanks sinds we wel welk welke werden wij wilt zei zouden zullen
    waar waarom wanneer waarin waarop waarmee waarvan hierin hiervan hierbij daarbij daarin
    daarvan daarmee daarnaast tussen via per zoals elk elke ieder iedere meest minder echter
    steeds zeer nadat terwijl hare zulke zulk dezelfde hetzelfde zodat opdat indien mits tenzij
    """.split()
)
STOPWORDS_ENGLISH: frozenset[str] = frozenset(STOPWORDS_EN)

_NUMBER_GROUP = re.compile(r"(?<=\d)\.(?=\d{3}(?!\d))")
_TOKEN = re.compile(r"\d+(?:,\d+)+|\w+")


def raw_tokens(text: str) -> list[str]:
    """Folded words and numbers, before stopwords and stemming.

    Thousands separators are removed so "96.676" and "96676" match; a decimal
    comma stays inside its token ("1,5"); section numbers like "2.3" split.
    """
    text = _NUMBER_GROUP.sub("", fold(text))
    return [t for t in _TOKEN.findall(text.replace("_", " ")) if len(t) > 1 or t.isdigit()]


# One stemmer per thread: PyStemmer's objects are not thread-safe, and the
# app's sessions search side by side.
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)
    return stemmer


def tokenize(text: str) -> list[str]:
    """BM25 tokens: folded, stopwords removed, words stemmed, numbers kept."""
    words = [t for t in raw_tokens(text) if t not in STOPWORDS_NL]
    stem = _stemmer().stemWord
    return [t if t[0].isdigit() else stem(t) for t in words]


def content_words(text: str) -> set[str]:
    """Folded words that are no stopword in Dutch or English (unstemmed)."""
    return {t for t in raw_tokens(text) if t not in STOPWORDS_NL and t not in STOPWORDS_ENGLISH}


@lru_cache(maxsize=65536)
def numberised(text: str) -> str:
    """Number words as digits (text2num: "twee" -> "2", "tien jaar" -> "10 jaar"),
    same length is not kept: use only for values, never for offsets. "een"
    stays a word: it is the article far more often than the number (text2num's
    default threshold of 3 also kept "twee", so "twee verdragen" counted nothing)."""
    from text_to_num import alpha2digit

    try:
        return alpha2digit(text, "nl", threshold=2)
    except Exception:  # noqa: BLE001 - a parser hiccup must not cost the sentence
        return text
