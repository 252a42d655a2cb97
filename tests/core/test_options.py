"""Typed hand-offs: search options and the answerer registry (no model loads)."""
from __future__ import annotations

import pytest

from rag.answer import answerers
from rag.config import MAX_K, MODES, Mode, SearchOptions, date_bound, load_settings
from rag.errors import InputError


def test_options_are_checked_when_made():
    assert SearchOptions(mode="dense", letters=["a", "b"]) == SearchOptions(mode=Mode.DENSE, letters=("a", "b"))
    for bad in (0, MAX_K + 1, 2.5, True, "5"):
        with pytest.raises(InputError, match="k moet"):
            SearchOptions(k=bad)
    with pytest.raises(InputError, match="zoekmethode"):
        SearchOptions(mode="sparse")
    with pytest.raises(InputError, match="ligt na einddatum"):
        SearchOptions(date_from="2025", date_to="2022")
    with pytest.raises(InputError, match="niet begrepen"):
        SearchOptions(date_from="gisteren")


def test_a_date_filter_bounds_whole_periods():
    assert SearchOptions(date_from="2023", date_to="2023-02").date_range() == ("2023-01-01", "2023-02-31")
    assert SearchOptions().date_range() == ("0000-00-00", "9999-99-99") and not SearchOptions().dated


def test_replace_keeps_what_is_not_given_and_settings_supply_defaults():
    base = load_settings().replace(k=7, mode="bm25").search_options()
    assert (base.k, base.mode) == (7, Mode.BM25)
    assert base.replace(k=None, letters=["x"]) == SearchOptions(k=7, mode="bm25", letters=("x",))


def test_every_answerer_name_is_registered_with_what_callers_need():
    assert answerers.names() == ("extractive", "openai") and MODES == ("hybrid", "dense", "bm25")
    assert not answerers.spec("extractive").needs_server and answerers.spec("openai").needs_server
    assert answerers.spec("openai").streams and not answerers.spec("extractive").streams
    with pytest.raises(InputError, match="Onbekende generator"):
        answerers.spec("gpt")


def test_date_bound():
    assert date_bound("2023", end=False) == "2023-01-01"
    assert date_bound("2023", end=True) == "2023-12-31"
    assert date_bound("2023-02", end=True) == "2023-02-31"  # bounds any day of Feb
    assert date_bound("2023-02-17", end=True) == "2023-02-17"
    for bad in ("17-02-2023", "2023-13", "gisteren", ""):
        with pytest.raises(InputError):
            date_bound(bad, end=False)
