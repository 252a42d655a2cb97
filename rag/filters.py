"""Search filters over what the letters state about themselves: dossier and
document type (rag.records.Letter), and what a filter left out.

A chunk knows only its letter; a letter's dossier and kind are in its
manifest. So the retriever (rag.search.retrieve, which the Postgres store's
retriever inherits) resolves these filters into a set of letter ids once per
search, and the letter filter it already has applies that set before
ranking: one implementation for both stores.

    Facets.of(letters)        the dossiers and kinds present, and their letters
    Facets.letters_for(...)   dossier/kind filter -> letter ids (unknown values: InputError)
    Scope                     what one search's filters leave and left out
    scope_warnings(scope)     the Dutch sentences an answer carries about that
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rag import texts as T
from rag.errors import InputError
from rag.records import Letter

LETTERS_HINT = "zie `.venv/bin/python -m rag letters`"

# "29 911, nr. 355" / "36 800 X, nr. 12" / "21 501-08, B": a Kamerstuk made
# of a dossier number and the document's number in it (rag.ingest.layout.kamerstuk_of).
_KAMERSTUK_DOSSIER = re.compile(r"^(\d{2}\s?\d{3}(?:[ -](?:[IVXLC]{1,6}|\d{2}|[A-Z]))?),\s*\S")


def dossier_of(letter: Letter) -> str:
    """The dossier the letter states: its header's dossier number, else the
    dossier part of the Kamerstuk it states ("29 911, nr. 355" -> "29 911";
    manifests written before headers were read carry only the Kamerstuk).
    "" when it states neither (an Aanhangsel number is no dossier)."""
    if letter.dossier:
        return letter.dossier
    m = _KAMERSTUK_DOSSIER.match(" ".join(letter.kamerstuk.split()))
    return m.group(1) if m else ""


def sender_of(letter: Letter) -> str:
    """Who sent it, as stated: the role(s) and the signer's name, "" if neither."""
    return ", ".join(x for x in (letter.sender, letter.minister) if x)


def dossier_key(value: str) -> str:
    """How dossier numbers are compared: "29911", "29 911" and "29-911" are
    one dossier, as are "36 800 X" and "36800x"."""
    return re.sub(r"[\s\-]+", "", str(value)).casefold()


def kind_key(value: str) -> str:
    """How document types are compared: case, and "-"/"_" for a space, ignored
    ("Beantwoording-Kamervragen" is "beantwoording kamervragen")."""
    return " ".join(re.sub(r"[-_]", " ", str(value)).split()).casefold()


@dataclass(frozen=True)
class Facets:
    """The dossiers and kinds the letters state, each with its letters."""

    dossiers: dict[str, frozenset[str]] = field(default_factory=dict)  # as written -> letter ids
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)
    dossier_titles: dict[str, str] = field(default_factory=dict)  # as written -> title ("" unknown)

    @classmethod
    def of(cls, letters: Iterable[Letter]) -> "Facets":
        dossiers: dict[str, set[str]] = {}
        kinds: dict[str, set[str]] = {}
        titles: dict[str, str] = {}
        written: dict[str, str] = {}  # key -> the first way it was written
        for letter in letters:
            d = dossier_of(letter)
            if d:
                shown = written.setdefault(dossier_key(d), d)
                dossiers.setdefault(shown, set()).add(letter.letter_id)
                if letter.dossier_title and not titles.get(shown):
                    titles[shown] = letter.dossier_title
            if letter.kind:
                kinds.setdefault(letter.kind, set()).add(letter.letter_id)
        return cls({d: frozenset(x) for d, x in sorted(dossiers.items(), key=lambda i: dossier_key(i[0]))},
                   {k: frozenset(x) for k, x in sorted(kinds.items())},
                   {d: titles.get(d, "") for d in dossiers})

    def dossier_label(self, dossier: str) -> str:
        """"29 911 Bestrijding georganiseerde criminaliteit", or the number alone."""
        title = self.dossier_titles.get(dossier, "")
        return f"{dossier} {title}" if title else dossier

    def letters_for(self, dossiers: Sequence[str] | None, kinds: Sequence[str] | None) -> frozenset[str] | None:
        """The letters in any of `dossiers` and of any of `kinds` (None: no
        filter on that). A value no letter states is an InputError naming
        the values there are."""
        chosen: frozenset[str] | None = None
        for values, present, key, what in ((dossiers, self.dossiers, dossier_key, "dossier"),
                                           (kinds, self.kinds, kind_key, "soort")):
            if values is None:
                continue
            by_key = {key(v): ids for v, ids in present.items()}
            unknown = [v for v in values if key(v) not in by_key]
            if unknown:
                raise InputError(*_unknown(what, unknown, list(present)))
            ids = frozenset().union(*(by_key[key(v)] for v in values))
            chosen = ids if chosen is None else chosen & ids
        return chosen


def _unknown(what: str, unknown: list[str], present: list[str]) -> tuple[str, str]:
    if what == "dossier":
        message = f"Geen brief in dossier {T.first_of(unknown)}."
        hint = (f"Dossiers in het corpus: {T.first_of(present)} ({LETTERS_HINT})." if present
                else "Geen enkele brief in het corpus noemt een dossiernummer.")
    else:
        message = f"Geen brief van de soort {T.first_of(unknown)}."
        hint = (f"Soorten in het corpus: {T.first_of(present)} ({LETTERS_HINT})." if present
                else "Geen enkele brief in het corpus heeft een soort.")
    return message, hint


@dataclass(frozen=True)
class Scope:
    """What one search's filters leave, before ranking, and what they left out.

    letters: the letters the letter, dossier and kind filters leave (None:
    every letter; the date filter is applied per chunk on top). undated:
    letters those filters leave that the date filter then leaves out only
    because they state no date. by_metadata: letters the dossier and kind
    filters left out of the `considered` ones (those the letter filter left,
    or all)."""

    letters: frozenset[str] | None = None
    undated: int = 0
    by_metadata: int = 0
    considered: int = 0
    metadata_filters: tuple[str, ...] = ()  # "dossier", "soort": which of them were set


def _letters(n: int) -> str:
    return f"{n} brief" if n == 1 else f"{n} brieven"


def scope_warnings(scope: Scope) -> list[str]:
    """The sentences an answer made under these filters carries (Dutch, as
    all the app's and CLI's own texts): letters it did not see, and why."""
    out = []
    if scope.undated:
        out.append(f"Het datumfilter liet {_letters(scope.undated)} zonder datum buiten beschouwing.")
    if scope.by_metadata:
        which = " en ".join(scope.metadata_filters) or "dossier of soort"
        out.append(f"Het filter op {which} liet {scope.by_metadata} van de {_letters(scope.considered)} "
                   "buiten beschouwing.")
    return out


__all__ = ["Facets", "Scope", "dossier_key", "dossier_of", "kind_key", "scope_warnings", "sender_of"]
