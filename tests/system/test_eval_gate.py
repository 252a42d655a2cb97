"""Quality gate, the five letters: the dev and test questions of every
five-letter group through the default pipeline configuration (hybrid
retrieval, extractive answers, k from Settings), in-process, with the
session's one Pipeline (tests/conftest.py). The checks: tests/support/gate.py;
thresholds and how they were set: eval/thresholds.toml.
"""
from __future__ import annotations

import pytest

from tests.support.gate import gate_tests

pytestmark = pytest.mark.gate

(gate_rows, test_floor, test_ceiling, test_every_citation_quotes_its_passage, test_gate_failures_are_listed,
 test_no_partial_answer_says_dit_onderwerp,
 test_no_partial_answer_says_the_letters_lack_what_it_says_they_mention) = gate_tests("five", lambda pipeline: pipeline)
