"""Quality gate, the third corpus of published documents: the pub2_dev and
pub2_test questions (eval/published2, its dev and test halves) through a
Pipeline over all 21 of those documents, added to an empty corpus as `rag
ingest DIR` adds them, with the default configuration. The checks:
tests/support/gate.py; thresholds: eval/thresholds.toml.
"""
from __future__ import annotations

import pytest

from eval.data import PUBLISHED2
from eval.run import corpus_pipeline
from tests.support.gate import gate_tests

pytestmark = pytest.mark.gate


def _published(pipeline):
    return corpus_pipeline(pipeline, PUBLISHED2)


(gate_rows, test_floor, test_ceiling, test_every_citation_quotes_its_passage, test_gate_failures_are_listed,
 test_no_partial_answer_says_dit_onderwerp,
 test_no_partial_answer_says_the_letters_lack_what_it_says_they_mention) = gate_tests("pub2", _published)
