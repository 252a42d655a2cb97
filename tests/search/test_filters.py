"""Dossier and document-type filters, the undated letters a date filter
leaves out, and the warnings an answer carries about them (rag.filters,
Retriever.scope, Pipeline). Hand-made letters over the fake index of
tests/search/test_retrieve.py; no model loads."""
from __future__ import annotations

import pytest

from rag.app import note as N
from rag.app import render as R
from rag.config import SearchOptions, load_settings
from rag.errors import InputError
from rag.filters import Facets, Scope, dossier_key, dossier_of, scope_warnings, sender_of
from rag.store.index import load_index
from rag.ingest.layout import KINDS
from rag.pipeline import Pipeline
from rag.records import Answer, Letter
from rag.search.retrieve import Retriever
from tests.support.fakes import BagOfWordsEmbedder, fake_index_dir

# The letters of the fake index (alpha and beta dated, gamma not), with what
# they state about themselves: alpha only a Kamerstuk (an older manifest),
# beta a dossier read from its header, gamma nothing.
LETTERS = (
    Letter("alpha", "Brief alpha", "kamerbrief", "alpha.txt", "a", date="2022-03-01", kamerstuk="29 911, nr. 355",
           minister="D. Yeşilgöz-Zegerius"),
    Letter("beta", "Motie beta", "motie", "beta.txt", "b", date="2024-06-15", kamerstuk="36 800 X, nr. 12",
           dossier="36 800 X", dossier_title="Vaststelling begroting JenV", number="12",
           sender="Minister van Justitie en Veiligheid", members=("Van Nispen (SP)",)),
    Letter("gamma", "Brief gamma", "kamerbrief", "gamma.txt", "c"),
)
QUESTION = "Waar wordt cocaïne geproduceerd?"


def _retriever(letters=LETTERS) -> Retriever:
    emb = BagOfWordsEmbedder()
    loaded = load_index(fake_index_dir(), embedder_id=emb.model_id, dimension=emb.dimension)
    return Retriever(loaded, emb, load_settings().replace(candidates=5, k=10), letters)


def _letters_of(passages) -> set[str]:
    return {p.chunk.letter_id for p in passages}


# ------------------------------------------------------------ what letters state
def test_a_letters_dossier_is_the_one_it_states():
    alpha, beta, gamma = LETTERS
    assert dossier_of(alpha) == "29 911"  # from its Kamerstuk
    assert dossier_of(beta) == "36 800 X"
    assert dossier_of(gamma) == ""
    aanhangsel = Letter("q", "Antwoorden", "beantwoording kamervragen", "q.txt", "q",
                        kamerstuk="Aanhangsel Handelingen II 2021-2022, nr. 3369")
    assert dossier_of(aanhangsel) == ""  # a number in the Aanhangsel is no dossier
    assert dossier_of(Letter("r", "R", "kamerbrief", "r.txt", "r", kamerstuk="21 501-08, nr. 9")) == "21 501-08"
    assert dossier_key("29911") == dossier_key(" 29 911 ") == dossier_key("29-911")
    assert dossier_key("36800x") == dossier_key("36 800 X") != dossier_key("36 800")
    assert sender_of(beta) == "Minister van Justitie en Veiligheid" and sender_of(gamma) == ""
    assert sender_of(alpha) == "D. Yeşilgöz-Zegerius"


def test_facets_resolve_dossiers_and_kinds_into_letters():
    f = Facets.of(LETTERS)
    assert list(f.dossiers) == ["29 911", "36 800 X"] and list(f.kinds) == ["kamerbrief", "motie"]
    assert f.dossier_label("36 800 X") == "36 800 X Vaststelling begroting JenV" and f.dossier_label("29 911") == "29 911"
    assert f.letters_for(None, None) is None
    assert f.letters_for(["29911"], None) == {"alpha"}
    assert f.letters_for(["29 911", "36800 x"], None) == {"alpha", "beta"}  # any of the dossiers
    assert f.letters_for(None, ["kamerbrief"]) == {"alpha", "gamma"}
    assert f.letters_for(["29 911"], ["motie"]) == set()  # and across the two filters
    assert f.letters_for([], None) == set()


def test_unknown_dossier_or_kind_names_what_there_is():
    f = Facets.of(LETTERS)
    with pytest.raises(InputError) as err:
        f.letters_for(["12 345"], None)
    assert "12 345" in err.value.message and "29 911, 36 800 X" in err.value.hint
    with pytest.raises(InputError) as err:
        f.letters_for(None, ["verslag"])
    assert "verslag" in err.value.message and "kamerbrief, motie" in err.value.hint
    with pytest.raises(InputError) as err:
        Facets.of(LETTERS[2:]).letters_for(["29 911"], None)
    assert "Geen enkele brief" in err.value.hint


def test_search_options_check_the_new_filters_when_made():
    o = SearchOptions(dossiers="29  911", kinds=["Beantwoording-Kamervragen", "MOTIE"], letters="alpha")
    assert o.dossiers == ("29 911",) and o.kinds == ("beantwoording kamervragen", "motie")
    assert o.letters == ("alpha",)  # one string is one value, not its characters
    assert o.by_metadata and not SearchOptions().by_metadata and not SearchOptions().keep_undated
    with pytest.raises(InputError) as err:
        SearchOptions(kinds=["brief"])
    assert "brief" in err.value.message and ", ".join(KINDS) in err.value.hint
    for bad in ([""], [" "], [3]):
        with pytest.raises(InputError):
            SearchOptions(dossiers=bad)
    with pytest.raises(InputError, match="keep_undated"):
        SearchOptions(keep_undated="ja")
    assert SearchOptions(keep_undated=True).replace(k=3).keep_undated


# ------------------------------------------------------------------ the retriever
def test_dossier_and_kind_filters_apply_before_ranking():
    r = _retriever()
    for mode in ("dense", "bm25", "hybrid"):
        assert _letters_of(r.search("haven cocaïne douane", mode=mode, dossiers=["29911"])) == {"alpha"}
        assert _letters_of(r.search("verbod designerdrugs", mode=mode, kinds=["motie"])) == {"beta"}
    got = r.search(QUESTION, kinds=["kamerbrief"], mode="dense")
    assert _letters_of(got) == {"alpha", "gamma"} and len(got) == 5  # every chunk of the two letters
    assert _letters_of(r.search(QUESTION, kinds=["kamerbrief"], letters=["gamma", "beta"], mode="dense")) == {"gamma"}
    assert r.search(QUESTION, dossiers=["29 911"], kinds=["motie"]) == []
    with pytest.raises(InputError):
        r.search(QUESTION, dossiers=["99 999"])


def test_without_letter_records_no_dossier_is_known():
    with pytest.raises(InputError):
        _retriever(letters=()).search(QUESTION, dossiers=["29 911"])


def test_the_date_filter_counts_the_undated_letters_it_leaves_out():
    r = _retriever()
    assert r.scope(SearchOptions()) == Scope()
    scope = r.scope(SearchOptions(date_from="2020"))
    assert scope.undated == 1 and scope.letters is None
    assert _letters_of(r.search(QUESTION, date_from="2020", mode="dense")) == {"alpha", "beta"}
    # Kept: gamma is searched, nothing is left out for its date.
    assert r.scope(SearchOptions(date_from="2020", keep_undated=True)).undated == 0
    assert _letters_of(r.search(QUESTION, date_from="2020", keep_undated=True, mode="dense")) == {"alpha", "beta",
                                                                                                   "gamma"}
    # keep_undated keeps undated letters, not dated ones out of range.
    assert _letters_of(r.search(QUESTION, date_from="2024", keep_undated=True, mode="dense")) == {"beta", "gamma"}
    # Counted among the letters the other filters leave only.
    assert r.scope(SearchOptions(date_from="2020", letters=["alpha", "beta"])).undated == 0
    assert r.scope(SearchOptions(date_to="2023", kinds=["kamerbrief"])).undated == 1
    assert r.scope(SearchOptions(letters=["gamma"])).undated == 0  # no date filter, nothing left out
    scope = r.scope(SearchOptions(dossiers=["36 800 X"], letters=["alpha", "beta"]))
    assert (scope.letters, scope.by_metadata, scope.considered, scope.metadata_filters) == \
        ({"beta"}, 1, 2, ("dossier",))


def test_scope_warnings_are_dutch_sentences_with_the_counts():
    assert scope_warnings(Scope()) == []
    assert scope_warnings(Scope(undated=4)) == ["Het datumfilter liet 4 brieven zonder datum buiten beschouwing."]
    assert scope_warnings(Scope(undated=1)) == ["Het datumfilter liet 1 brief zonder datum buiten beschouwing."]
    assert scope_warnings(Scope(by_metadata=3, considered=5, metadata_filters=("dossier", "soort"))) == \
        ["Het filter op dossier en soort liet 3 van de 5 brieven buiten beschouwing."]


# ------------------------------------------------------------------ the answer
@pytest.fixture(scope="module")
def pipe():
    emb = BagOfWordsEmbedder()
    loaded = load_index(fake_index_dir(), embedder_id=emb.model_id, dimension=emb.dimension)
    return Pipeline(load_settings(), list(LETTERS), emb, loaded)


def test_an_answer_under_a_filter_that_left_letters_out_says_so(pipe):
    a = pipe.ask(QUESTION, date_from="2020")
    assert "Het datumfilter liet 1 brief zonder datum buiten beschouwing." in a.warnings
    assert a.to_dict()["warnings"] == a.warnings
    assert "gamma" not in _letters_of(a.passages)
    assert not pipe.ask(QUESTION, date_from="2020", keep_undated=True).warnings
    assert not pipe.ask(QUESTION).warnings and "warnings" not in pipe.ask(QUESTION).to_dict()
    a = pipe.ask(QUESTION, kinds=["kamerbrief"])
    assert a.warnings == ["Het filter op soort liet 1 van de 3 brieven buiten beschouwing."]
    assert _letters_of(a.passages) <= {"alpha", "gamma"}


def test_a_filter_that_leaves_no_letter_also_counts_the_undated_ones(pipe):
    a = pipe.ask(QUESTION, date_from="2030")
    assert a.status == "not_found" and a.passages == []
    assert a.warnings[0] == a.answer and "filter" in a.answer
    assert a.warnings[1:] == ["Het datumfilter liet 1 brief zonder datum buiten beschouwing."]


# ------------------------------------------------------------------ app helpers
def test_the_letters_table_leaves_what_a_letter_does_not_state_blank():
    rows = R.letter_rows(LETTERS)
    assert list(rows[0]) == ["Titel", "Kamerstuk", "Dossier", "Soort", "Datum", "Afzender", "Toelichting"]
    assert rows[0]["Dossier"] == "29 911" and rows[0]["Datum"] == "1 maart 2022"
    assert rows[1]["Dossier"] == "36 800 X" and rows[1]["Soort"] == "motie"
    assert rows[1]["Afzender"] == "Minister van Justitie en Veiligheid"
    assert all(v == "" for k, v in rows[2].items() if k not in ("Titel", "Soort"))
    assert not any("onbekend" in str(v) for row in rows for v in row.values())
    # The view's search finds letters by dossier, type and sender too.
    assert [x.letter_id for x in R.letter_page(LETTERS, "36 800 X").letters] == ["beta"]
    assert [x.letter_id for x in R.letter_page(LETTERS, "motie").letters] == ["beta"]
    assert [x.letter_id for x in R.letter_page(LETTERS, "Veiligheid").letters] == ["beta"]


def test_a_filter_warning_goes_with_the_answer_into_the_note():
    warning = "Het datumfilter liet 4 brieven zonder datum buiten beschouwing."
    item = N.NoteItem.from_answer(Answer(question="Wat is Fortius?", answer="Fortius is een project.",
                                         warnings=[warning]), "m2")
    assert item.warnings == (warning,)
    assert f"*Let op:* {warning}" in N.answer_markdown(item)
    assert f"*Let op:* {warning}" in N.note_markdown("Notitie", "", [item])
    # A filter's refusal says it already: not repeated as a warning.
    refused = Answer(question="Wat is Fortius?", answer="Geen brief voldoet aan het filter.", status="not_found",
                     warnings=["Geen brief voldoet aan het filter.", warning])
    assert N.NoteItem.from_answer(refused).warnings == (warning,)
