"""Fixed texts the user sees, defined once for the answerers, CLI, app and note.

The answer states themselves (answered, partial, not_found) and their labels
are rag.records.Status.
"""
from __future__ import annotations

# A briefing note's title until the user gives one (the note, its exports, its notebook).
NOTE_TITLE = "Briefingnotitie"

REFUSAL = "Dat staat niet in deze brieven."
REFUSAL_EN = "The letters do not answer this question (dat staat niet in deze brieven)."

# Lower-cased, punctuation-free forms that mark a generated refusal. The LLM
# prompt asks for REFUSAL in every language; small models translate it anyway.
REFUSAL_PATTERNS = ("dat staat niet in deze brieven", "not in these letters", "letters do not answer")

# A partial answer opens with these words (the LLM prompt asks for the same
# form, so the code can tell a partial answer from a full one).
PARTIAL_OPENING = "De brieven noemen"
PARTIAL_OPENING_EN = "The letters mention"

NO_LETTER_MATCHES = "Geen brief voldoet aan het filter"

# What to run when the index is missing, damaged or built another way.
REBUILD_INDEX = "Bouw de index (opnieuw) met `make ingest` (of `.venv/bin/python -m rag ingest --rebuild`)."


def refusal(english: bool) -> str:
    return REFUSAL_EN if english else REFUSAL


def filter_message(english: bool) -> str:
    if english:
        return "No letter matches the filter (letters, dossiers, types, dates): nothing was searched."
    return f"{NO_LETTER_MATCHES} (brieven, dossiers, soorten, datums): er is niets doorzocht."


def first_of(names: list[str], shown: int = 5) -> str:
    """"a, b, c en 12 meer": a message naming items stays one line at any
    corpus size (hundreds of letters)."""
    more = f" en {len(names) - shown} meer" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def join_terms(terms: list[str], word: str) -> str:
    """"a", "a en b", "a, b en c" (word: the joining "en"/"of"/"and"/"or")."""
    terms = [t for t in terms if t]
    if len(terms) <= 1:
        return "".join(terms)
    return f"{', '.join(terms[:-1])} {word} {terms[-1]}"
