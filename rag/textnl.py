"""Small Dutch text helpers shared by retrieval, question reading and answering."""
from __future__ import annotations

import unicodedata

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
