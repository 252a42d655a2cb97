"""English questions over Dutch letters: the Dutch words an English
question's words stand for, so that BM25, which matches Dutch stems, finds
the passages an English question asks about (the dense side is multilingual
and needs none of this).

    load_lexicon()  English word or name -> Dutch words, read once (lazy, cached) from
                      - CLDR, in Babel's wheel: names of countries and regions
                        ("Morocco" -> "Marokko", "Latin America" -> "Latijns-Amerika"),
                        languages, which double as adjectives ("Dutch" ->
                        "Nederlands"), cities, months, weekdays, units, currencies;
                      - FreeDict's English-Dutch dictionary, and its Dutch-English
                        one read backwards, where Debian's dict-freedict-eng-nld /
                        dict-freedict-nld-eng are installed (`Settings.freedict_dir`).
                        Optional: GPL data, read where it is installed, never
                        copied into this project; without it the rest works.
    Vocabulary      the index's Dutch tokens with their idf; finds cognates
                    ("coalition" -> "coalitie") among them
    expand()        pure: an English question's words -> {Dutch BM25 token: weight}

Nothing here lists words by hand: the stopwords are bm25s's English ones
(rag.textnl), everything else comes from the sources above or the index.
"""
from __future__ import annotations

import bisect
import gzip
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import Stemmer

from bm25s.stopwords import STOPWORDS_EN_PLUS

from rag.textnl import fold, raw_tokens, tokenize

# Dutch candidates kept per English word: the commonest in the letters. A
# word with many translations ("customs": douane, gewoonte, klant, ...) then
# weighs no more than a word with one.
TOP = 3
# A cognate shares at least this long a prefix with the English word, and
# that prefix is most of both words ("priorities" / "prioriteit").
COGNATE_PREFIX = 5
COGNATE_SHARE = 0.7
# Longest English name matched as one ("United Arab Emirates").
MAX_PHRASE = 4

FREEDICT_EN_NL = "freedict-eng-nld"
FREEDICT_NL_EN = "freedict-nld-eng"

Tokens = tuple[str, ...]
Lexicon = Mapping[Tokens, tuple[Tokens, ...]]

# English function words: bm25s's fuller English list (NLTK's), plus the
# modal verbs and quantifiers it lacks ("may" stays: it is a month too).
STOPWORDS: frozenset[str] = frozenset(fold(w) for w in STOPWORDS_EN_PLUS) | frozenset(
    "whose whether could would might must shall many much also since".split())

_local = threading.local()


def _english_stem(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


def english_words(text: str) -> list[str]:
    """The English content words of a text, folded, in order (no stopwords,
    no numbers)."""
    return [t for t in raw_tokens(text) if t not in STOPWORDS and not t[0].isdigit()]


def english_key(text: str) -> Tokens:
    """How an English word or name is looked up: its content words' English
    stems ("Countries" and "country" meet)."""
    return tuple(_english_stem(w) for w in english_words(text))


# --------------------------------------------------------------------------- vocabulary


class Vocabulary:
    """The Dutch BM25 tokens of an index and their idf (low idf: common)."""

    def __init__(self, idf: Mapping[str, float]):
        self.idf = idf
        self._sorted = sorted(t for t in idf if t and not t[0].isdigit())

    def __contains__(self, token: str) -> bool:
        return token in self.idf

    def cognates(self, token: str) -> list[str]:
        """Tokens of the letters that share a long prefix with `token` (most
        of both words): "coalition" -> "coalitie"."""
        if len(token) < COGNATE_PREFIX:
            return []
        head = token[:COGNATE_PREFIX]
        start = bisect.bisect_left(self._sorted, head)
        out = []
        for t in self._sorted[start:]:
            if not t.startswith(head):
                break
            n = len(_common_prefix(token, t))
            if t != token and n >= COGNATE_SHARE * len(token) and n >= COGNATE_SHARE * len(t):
                out.append(t)
        return out


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


# --------------------------------------------------------------------------- expansion


@dataclass(frozen=True)
class Term:
    """One English word or name of the question and the Dutch tokens it
    stands for, with the weight each gets."""

    english: str
    dutch: dict[str, float]


def expand(text: str, lexicon: Lexicon, vocabulary: Vocabulary, top: int | None = None) -> dict[str, float]:
    """The BM25 query of an English question: {Dutch token: weight}.

    Each content word weighs 1, as a word of a Dutch question does (a name
    of several words the lexicon knows, "United States", as many), spread
    evenly over what it stands for in the letters: its own token when the
    letters use it ("Europol", "pilot"), and its `top` commonest Dutch
    translations that the letters use (a translation of several words splits
    its share over them). A word without such a translation is matched to
    its cognates in the letters when the letters do not use it themselves.
    A word nothing in the letters matches keeps its own token, which matches
    nothing but is still part of what was asked (the answerer's word
    coverage counts it). Stopwords are left out."""
    out: dict[str, float] = {}
    for term in terms(text, lexicon, vocabulary, top):
        for token, weight in term.dutch.items():
            out[token] = out.get(token, 0.0) + weight
    return out


def terms(text: str, lexicon: Lexicon, vocabulary: Vocabulary, top: int | None = None) -> list[Term]:
    """`expand`, word by word (what the CLI's and the tests' explanations show)."""
    words = english_words(text)
    stems = [_english_stem(w) for w in words]
    out: list[Term] = []
    i = 0
    while i < len(words):
        n, found = _longest_entry(stems, i, lexicon)
        own = [t for w in words[i:i + n] for t in tokenize(w)]
        own_known = [t for t in own if t in vocabulary]
        candidates = [c for c in found or () if all(t in vocabulary for t in c) and set(c) - set(own_known)]
        if not candidates and not own_known:
            candidates = [(t,) for t in dict.fromkeys(c for o in own for c in vocabulary.cognates(o))]
        candidates = sorted(set(candidates), key=lambda c: (max(vocabulary.idf[t] for t in c), c))[:top or TOP]
        groups: list[Tokens] = ([tuple(own_known)] if own_known else []) + candidates
        if not groups and own:
            groups = [tuple(own)]  # matches nothing, but is part of what was asked
        dutch: dict[str, float] = {}
        for group in groups:
            for t in group:
                dutch[t] = dutch.get(t, 0.0) + n / len(groups) / len(group)
        out.append(Term(" ".join(words[i:i + n]), dutch))
        i += n
    return out


def _longest_entry(stems: Sequence[str], i: int, lexicon: Lexicon) -> tuple[int, tuple[Tokens, ...] | None]:
    for n in range(min(MAX_PHRASE, len(stems) - i), 0, -1):
        found = lexicon.get(tuple(stems[i:i + n]))
        if found:
            return n, found
    return 1, None


# --------------------------------------------------------------------------- lexicon


def build_lexicon(pairs: Iterable[tuple[str, str]]) -> dict[Tokens, tuple[Tokens, ...]]:
    """(English, Dutch) pairs -> {English key: Dutch token groups}. An
    English side of more than MAX_PHRASE content words, or a Dutch side of
    only stopwords, is left out."""
    table: dict[Tokens, dict[Tokens, None]] = {}
    for english, dutch in pairs:
        key, value = english_key(english), tuple(tokenize(dutch))
        if key and value and len(key) <= MAX_PHRASE:
            table.setdefault(key, {})[value] = None
    return {k: tuple(v) for k, v in table.items()}


def cldr_pairs() -> Iterator[tuple[str, str]]:
    """(English, Dutch) names from CLDR in Babel's wheel."""
    from babel import Locale
    from babel.units import UnknownUnitError, get_unit_name

    en, nl = Locale("en"), Locale("nl")
    for attr in ("territories", "languages"):
        yield from _same_keys(getattr(en, attr), getattr(nl, attr))
    yield from _same_keys(en.months["format"]["wide"], nl.months["format"]["wide"])
    yield from _same_keys(en.days["format"]["wide"], nl.days["format"]["wide"])
    yield from _same_keys(en.currencies, nl.currencies)
    yield from _same_keys({k: v.get("city") for k, v in en.time_zones.items()},
                          {k: v.get("city") for k, v in nl.time_zones.items()})
    for unit in en.unit_display_names:
        try:
            a, b = (get_unit_name(unit, length="long", locale=loc) for loc in (en, nl))
        except UnknownUnitError:  # a unit CLDR names in English only
            continue
        if a and b:
            yield a, b


def _same_keys(english: Mapping, dutch: Mapping) -> Iterator[tuple[str, str]]:
    for key, name in english.items():
        other = dutch.get(key)
        if isinstance(name, str) and isinstance(other, str):
            yield name, other


# dictd's index: headword, offset and length in base64 digits.
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
# A sense's number ("1. "), a note in brackets, a verb's "to ".
_SENSE = re.compile(r"^\s*\d+\.\s*")
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")
_TO = re.compile(r"^to\s+", re.I)


def _b64(digits: str) -> int:
    n = 0
    for c in digits:
        n = n * 64 + _B64[c]
    return n


def dictd_entries(folder: Path, name: str) -> Iterator[tuple[str, list[str]]]:
    """(headword, translations) of a FreeDict dictionary in dictd format
    (`name`.index and `name`.dict.dz, as Debian installs them)."""
    index, data_file = folder / f"{name}.index", folder / f"{name}.dict.dz"
    if not index.is_file() or not data_file.is_file():
        return
    with gzip.open(data_file) as fh:  # dictzip is gzip with a seek table
        data = fh.read()
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00"):
            continue
        body = data[_b64(parts[1]): _b64(parts[1]) + _b64(parts[2])].decode("utf-8", "replace")
        senses = []
        for row in body.strip().split("\n")[1:]:  # the first line repeats the headword
            row = _NOTE.sub(" ", _SENSE.sub("", row))
            senses += [s.strip() for s in re.split(r"[,;]", row) if s.strip()]
        if senses:
            yield parts[0], senses


def freedict_pairs(folder: Path) -> Iterator[tuple[str, str]]:
    """(English, Dutch) from FreeDict's English-Dutch dictionary and its
    Dutch-English one read backwards."""
    for head, senses in dictd_entries(folder, FREEDICT_EN_NL):
        for dutch in senses:
            yield _TO.sub("", head), dutch
    for head, senses in dictd_entries(folder, FREEDICT_NL_EN):
        for english in senses:
            yield _TO.sub("", english), head


@lru_cache(maxsize=4)
def load_lexicon(freedict_dir: str = "") -> dict[Tokens, tuple[Tokens, ...]]:
    """The lexicon, made once per process (about a second with FreeDict)."""
    pairs: Iterable[tuple[str, str]] = cldr_pairs()
    if freedict_dir:
        pairs = [*pairs, *freedict_pairs(Path(freedict_dir))]
    return build_lexicon(pairs)
