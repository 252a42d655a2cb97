"""Fuzz tier (hypothesis, bounded examples so CI time stays fixed): arbitrary
text into the question check, the question reader, the cleaner, the chunker's
quotable sentences and the batch line parser never raises anything but the
documented errors, and what comes out keeps its invariants."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.search import question as Q
from rag.ingest.chunk import answer_spans
from rag.ingest.clean import clean_letter
from rag.cli import _batch_item
from rag.errors import InputError
from rag.search.question import check_question
from rag.ingest.sentences import sentence_spans

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Letters, digits, Dutch punctuation, whitespace of every kind, and the odd control character.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
LETTERISH = st.text(alphabet=list("abcdeijnorstuvz ABCDEFNZ.,;:?!-–()’\n\n  0123456789€ĳë"), max_size=1500)


@FAST
@given(TEXT)
def test_question_check_accepts_or_says_why(text):
    try:
        q = check_question(text, 2000)
    except InputError as exc:
        assert exc.message
    else:
        assert q == " ".join(q.split()) and 0 < len(q) <= 2000


@FAST
@given(TEXT)
def test_question_reader_never_fails(text):
    asked = Q.read(text)
    assert asked.kind in ("", Q.AMOUNT, Q.NUMBER, Q.DATE, Q.PERSON, Q.PLACE, Q.OUTCOME)
    assert all(y in text for y in asked.years)
    assert 0 <= asked.follow <= 12


@FAST
@given(LETTERISH)
def test_cleaner_maps_every_character_back(raw):
    ct = clean_letter(raw)
    assert len(ct.raw_pos) == len(ct.text)
    assert all(0 <= p < max(len(raw), 1) for p in ct.raw_pos)
    assert ct.page_starts == sorted(ct.page_starts)
    for a, b, _ in ct.furniture:
        assert 0 <= a <= b <= len(ct.text)


@FAST
@given(LETTERISH)
def test_sentence_spans_and_quotable_sentences_stay_inside_the_text(text):
    spans = sentence_spans(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert spans == sorted(spans)
    for a, b in answer_spans(text, [(0, min(10, len(text)))]):
        assert 10 <= a < b <= len(text) or len(text) <= 10


@FAST
@given(st.binary(max_size=300) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_batch_line_parses_or_fails_alone(raw):
    _parses_or_fails_alone(raw)


def _parses_or_fails_alone(raw: bytes) -> None:
    try:
        item = _batch_item(raw)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(item["question"], str)
        json.dumps(item, ensure_ascii=False, allow_nan=False).encode("utf-8")


JSON = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=20)


@FAST
@given(st.fixed_dictionaries({"id": JSON, "question": JSON}))
def test_batch_json_lines_parse_or_fail_alone(obj):
    _parses_or_fails_alone(json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass"))
