"""Is a question English? The letters are Dutch: English questions need the
multilingual dense side, as their words rarely occur in the text."""
from __future__ import annotations

import re

_EN = {"the", "what", "which", "who", "how", "does", "did", "is", "are", "of", "and", "to", "in",
       "when", "why", "for", "with", "many", "much", "there", "do", "was", "were"}
_NL = {"de", "het", "een", "wat", "welke", "wie", "hoe", "is", "zijn", "van", "en", "in", "wanneer",
       "waarom", "voor", "met", "hoeveel", "er", "wordt", "worden", "op", "te", "dat", "die"}


def is_english(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return sum(w in _EN for w in words) > sum(w in _NL for w in words)
