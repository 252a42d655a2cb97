"""Citations: marker grammar, verbatim quotes and the pages a quote is on."""
from __future__ import annotations

from rag.answer.citations import MARKER_RUN, citation_from, parse_markers, strip_markers
from rag.records import Chunk, Passage

TEXT = "Dit staat op pagina een. Deze zin begint op pagina een en loopt door op pagina twee. Dit staat op twee."
START = 1000  # where the chunk starts in its letter
PAGE_TWO = START + TEXT.index("loopt door")  # page 2 begins inside the second sentence


def passage() -> Passage:
    c = Chunk(chunk_id="b:1", letter_id="b", title="Brief", date="2024-01-02", kamerstuk="1, nr. 2", pages=(1, 2),
              section="", start=START, end=START + len(TEXT), text=TEXT)
    return Passage(c, 1, 1.0)


def test_a_quote_gets_the_pages_it_is_on():
    starts = {1: 0, 2: PAGE_TWO}
    one = citation_from(passage(), 1, "Dit staat op pagina een.", starts)
    both = citation_from(passage(), 2, "Deze zin begint op pagina een en loopt door op pagina twee.", starts)
    two = citation_from(passage(), 3, "Dit staat op twee.", starts)
    assert (one.page, one.page_label) == (1, "1")
    assert (both.page, both.page_end, both.page_label) == (1, 2, "1–2")
    assert (two.page, two.page_label) == (2, "2")
    assert both.to_dict()["page_end"] == 2 and one.to_dict()["page_end"] == 0


def test_without_page_offsets_the_chunk_first_page_is_the_honest_fallback():
    c = citation_from(passage(), 1, "Dit staat op twee.", None)
    assert c.page_label == "1"


def test_one_marker_grammar_for_product_and_eval():
    assert parse_markers("A [1]. B [2, 3] en C [4-5] [bron 6].") == [1, 2, 3, 4, 5, 6]
    assert parse_markers("[1-2021]") == [1, 2021]  # a wide range is its two ends, not thousands
    assert parse_markers("in [2021] staat [sic]") == [2021]
    assert strip_markers("A. [1] B. [2][3]") == "A. B."
    assert [m.group(0).strip() for m in MARKER_RUN.finditer("x [1][2] y [3]")] == ["[1][2]", "[3]"]
